//! `draw announce --period P` without `--plan` (issue 13): refused, saying why (a plan's input
//! depends on the plans drawn before it in the period) and what to use instead, and nothing is
//! written; `draw --period P` still draws every plan due at one sitting.

mod common;

use common::cli::{bin, ok};

#[test]
fn announcing_a_whole_period_is_refused_with_the_reason_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    let before = ok(&db, &["verify"]);
    for (lang, words) in [
        (
            "zh",
            ["须给出 --plan", "每个对象每期只查一次", "draw --period"],
        ),
        (
            "en",
            [
                "needs --plan",
                "one visit per target per period",
                "draw --period",
            ],
        ),
    ] {
        let out = bin(&db)
            .args([
                "--lang",
                lang,
                "draw",
                "announce",
                "--period",
                "2022Q3",
                "--date",
                "2022-07-05",
            ])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        for w in words {
            assert!(err.contains(w), "{lang}: {w} in {err}");
        }
    }
    assert_eq!(ok(&db, &["verify"]), before, "nothing written");
    assert_eq!(ok(&db, &["list", "draws", "--json"]).trim(), "[]");
    // The one-sitting draw of the whole period is there for it.
    ok(
        &db,
        &[
            "draw",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
            "--witness",
            "185",
        ],
    );
    assert_ne!(ok(&db, &["list", "draws", "--json"]).trim(), "[]");
}
