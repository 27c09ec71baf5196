//! The registries' filter as an AND of space-separated terms, over the address and the 规则
//! column too (issue 16).

use super::test_support::{config, demo, key, state_with, typ, with_ctx};
use crate::i18n::Lang;
use crate::office::Office;

/// The names of the targets the `/` filter keeps for `text`.
fn filtered(office: &Office, text: &str) -> Vec<String> {
    let mut app = state_with(office, config(Lang::Zh), 80, 24);
    super::app::update(office, &mut app, key('/'));
    typ(office, &mut app, text);
    let st = office.state();
    app.list()
        .matches
        .iter()
        .map(|&i| st.targets[i as usize].name().to_string())
        .collect()
}

#[test]
fn two_terms_keep_the_targets_that_match_both() {
    let (office, _dir) = demo(Lang::Zh);
    let both = filtered(&office, "狗街 水泥");
    assert!(!both.is_empty(), "the demo has a cement works in 狗街镇");
    let (a, b) = (filtered(&office, "狗街"), filtered(&office, "水泥"));
    assert!(both.len() < a.len() && both.len() < b.len());
    // Exactly the intersection, in the list's order.
    let expect: Vec<String> = a.iter().filter(|n| b.contains(n)).cloned().collect();
    assert_eq!(both, expect);
    assert_eq!(
        filtered(&office, "水泥 狗街"),
        both,
        "the order of terms does not matter"
    );
    assert_eq!(
        filtered(&office, "  狗街   水泥 "),
        both,
        "extra spaces do not matter"
    );
}

#[test]
fn a_town_in_the_address_and_the_row_column_are_searched() {
    let (office, _dir) = demo(Lang::Zh);
    // 所在地区 holds the county: the town is found in the address only.
    let mut t = office
        .state()
        .targets
        .iter()
        .find(|t| t.name() == "宜良县狗街下村冷链物流中心项目")
        .cloned()
        .expect("demo target");
    assert!(t.address().contains("狗街镇"));
    t.region = "宜良县".into();
    office.save_target(t).expect("save");
    assert!(
        filtered(&office, "狗街镇 冷链").contains(&"宜良县狗街下村冷链物流中心项目".to_string())
    );
    // The 规则 column (A-1 …) is searched, any case.
    let rows = filtered(&office, "a-1");
    assert!(!rows.is_empty());
    with_ctx(&office, |ctx| {
        for name in &rows {
            let t = ctx
                .data
                .targets
                .iter()
                .find(|t| t.name() == name)
                .expect("t");
            let text = ctx.rules.obligation_text(t);
            assert!(
                text.contains("A-1") || t.name().to_lowercase().contains("a-1"),
                "{name}: {text}"
            );
        }
    });
}
