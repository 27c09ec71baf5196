//! Registry prompts (issue 19, acceptance 4, the CLI part): recording 通过登记住所（经营场所）无法
//! 联系 or 未发现开展本次抽查涉及的经营活动 prints the target's status change, prefilled, to
//! confirm; running the printed command makes it (audited); nothing changes by itself.

mod common;

use common::cli::{draw_plan3_q3, json, ok};

fn target_of(db: &std::path::Path, task: u64) -> serde_json::Value {
    let tasks = json(db, &["list", "tasks", "--json"]);
    let t = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == task)
        .unwrap()
        .clone();
    let targets = json(db, &["list", "targets", "--json"]);
    targets
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == t["target"])
        .unwrap()
        .clone()
}

#[test]
fn an_unreachable_target_prompts_its_status_change_to_confirm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    draw_plan3_q3(&db, "双色球2022078");
    for t in ["1", "2", "3"] {
        ok(&db, &["task", t, "check", "--date", "2022-07-08"]);
    }
    let target = target_of(&db, 1);
    let (id, name) = (
        target["id"].as_u64().unwrap(),
        target["name"].as_str().unwrap(),
    );
    let out = ok(
        &db,
        &[
            "task",
            "1",
            "result",
            "--phrase",
            "4",
            "--determined",
            "2022-07-11",
        ],
    );
    assert!(
        out.contains(&format!(
            "检查对象 {id} {name} 经营状态 在产 → 关闭（自 2022-07-11 起）"
        )),
        "{out}"
    );
    let want = format!(
        "shuangsui adjust --target {id} --status 关闭 --date 2022-07-11 --reason '任务 #1 检查结果：通过登记住所（经营场所）无法联系'"
    );
    assert!(out.contains(&want), "{out}");
    // Only a prompt: the target is as it was.
    assert_eq!(target_of(&db, 1)["status"], "operating");

    // 未发现经营活动: suspended; a result that says nothing of the registry prints no prompt.
    let out = ok(
        &db,
        &[
            "--lang",
            "en",
            "task",
            "2",
            "result",
            "--phrase",
            "7",
            "--determined",
            "2022-07-11",
        ],
    );
    assert!(
        out.contains("status operating -> suspended (from 2022-07-11)"),
        "{out}"
    );
    let out = ok(
        &db,
        &[
            "task",
            "3",
            "result",
            "--phrase",
            "1",
            "--determined",
            "2022-07-11",
        ],
    );
    assert!(!out.contains("动态调整"), "{out}");

    // Confirming: the printed command, word for word.
    let args: Vec<String> = vec![
        "adjust".into(),
        "--target".into(),
        id.to_string(),
        "--status".into(),
        "关闭".into(),
        "--date".into(),
        "2022-07-11".into(),
        "--reason".into(),
        "任务 #1 检查结果：通过登记住所（经营场所）无法联系".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ok(&db, &args);
    assert!(out.contains("关闭"), "{out}");
    let after = target_of(&db, 1);
    assert_eq!(after["status"], "closed");
    assert_eq!(
        after["status_history"][0]["reason"],
        "任务 #1 检查结果：通过登记住所（经营场所）无法联系"
    );
    ok(&db, &["verify"]);
}
