//! Checking a form before its operation is sent: the field errors, or the [`Op`].

use super::registries::parse_import_kind;
use super::*;
use crate::domain::{CreditCode, CreditCodeCheck, InspectorStatus, PermitClass, TargetStatus};

/// Check a form. On success returns the operation; otherwise sets the field errors.
pub(super) fn check(
    f: &mut Form,
    ctx: &Ctx,
    lang: Lang,
    period: crate::domain::Period,
    today: NaiveDate,
) -> Option<Op> {
    for field in &mut f.fields {
        field.error = None;
    }
    f.error = None;
    let required = lang.pick("必填", "required");
    let mut errors: Vec<(usize, String)> = Vec::new();
    let op = match f.kind.clone() {
        FormKind::Status {
            registry,
            id,
            revision: base,
        } => {
            let date = NaiveDate::parse_from_str(f.value(1), "%Y-%m-%d").ok();
            if date.is_none() {
                errors.push((
                    1,
                    lang.pick(
                        "日期应写成 YYYY-MM-DD，例如 2022-08-15",
                        "write the date as YYYY-MM-DD, e.g. 2022-08-15",
                    )
                    .into(),
                ));
            }
            if f.value(2).is_empty() {
                errors.push((
                    2,
                    lang.pick("必须填写变更原因", "a status change needs a reason")
                        .into(),
                ));
            }
            let reason = f.value(2).to_string();
            let status_text = f.value(0);
            match registry {
                Registry::Inspectors => {
                    let s = InspectorStatus::parse(status_text).filter(|_| !status_text.is_empty());
                    if s.is_none() {
                        errors.push((0, format!("{}：{}", unknown(lang), f.fields[0].hint)));
                    }
                    match (s, date) {
                        (Some(status), Some(date)) if errors.is_empty() => {
                            Some(Op::SetInspectorStatus {
                                id,
                                status,
                                date,
                                reason,
                                base,
                            })
                        }
                        _ => None,
                    }
                }
                _ => {
                    let s = TargetStatus::parse(status_text).filter(|_| !status_text.is_empty());
                    if s.is_none() {
                        errors.push((0, format!("{}：{}", unknown(lang), f.fields[0].hint)));
                    }
                    match (s, date) {
                        (Some(status), Some(date)) if errors.is_empty() => {
                            Some(Op::SetTargetStatus {
                                id,
                                status,
                                date,
                                reason,
                                base,
                            })
                        }
                        _ => None,
                    }
                }
            }
        }
        FormKind::Target { id, revision } => {
            let name = f.value(0).to_string();
            if name.is_empty() {
                errors.push((0, required.into()));
            }
            let code = match CreditCode::parse(f.value(1)) {
                Ok((c, check)) => {
                    if check == CreditCodeCheck::PilotWarning {
                        // Accepted, as the importer does, for the known pilot codes.
                    }
                    if let Some(&other) = ctx.data.target_by_code.get(c.as_str()) {
                        if other != id {
                            errors.push((
                                1,
                                format!(
                                    "{} {other}",
                                    lang.pick("已被另一检查对象使用：", "already used by target")
                                ),
                            ));
                        }
                    }
                    Some(c)
                }
                Err(e) => {
                    errors.push((1, e.localize(lang)));
                    None
                }
            };
            let region = f.value(2).to_string();
            if region.is_empty() {
                errors.push((2, required.into()));
            }
            let permit = PermitClass::parse(f.value(5));
            if permit.is_none() {
                errors.push((5, format!("{}：{}", unknown(lang), f.fields[5].hint)));
            }
            let status_text = f.value(6);
            let status = TargetStatus::parse(status_text).filter(|_| !status_text.is_empty());
            if status.is_none() {
                errors.push((6, format!("{}：{}", unknown(lang), f.fields[6].hint)));
            }
            match (code, permit, status) {
                (Some(code), Some(permit_class), Some(status)) if errors.is_empty() => {
                    let mut t = ctx
                        .data
                        .target(id)
                        .cloned()
                        .unwrap_or_else(|| blank_target(code.clone()));
                    t.name = name;
                    t.credit_code = code;
                    t.region = region;
                    t.industry = f.value(3).to_string();
                    t.address = f.value(4).to_string();
                    t.permit_class = permit_class;
                    t.status = status;
                    Some(Op::SaveTarget(Box::new(t), revision))
                }
                _ => None,
            }
        }
        FormKind::TaskCheck { .. }
        | FormKind::TaskResult { .. }
        | FormKind::TaskPublish { .. }
        | FormKind::TaskExempt { .. }
        | FormKind::TaskFollowUp { .. } => {
            let values: Vec<String> = f
                .fields
                .iter()
                .map(|x| x.input.text().to_string())
                .collect();
            let value = |i: usize| values.get(i).cloned().unwrap_or_default();
            match progress::validate_step(&f.kind, &value, lang) {
                Ok((id, step)) => Some(Op::TaskStep {
                    id,
                    step,
                    period: period.to_string(),
                    today,
                }),
                Err(e) => {
                    errors.extend(e);
                    None
                }
            }
        }
        FormKind::Plan { id, revision } => match work::validate_plan(f, id, ctx, lang, today) {
            Ok(p) => Some(Op::SavePlan(Box::new(p), revision)),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        FormKind::VoidDraw { id } => {
            let reason = f.value(0).to_string();
            if reason.is_empty() {
                errors.push((
                    0,
                    lang.pick("作废必须说明原因", "voiding needs a reason")
                        .into(),
                ));
                None
            } else {
                Some(Op::VoidDraw { id, reason })
            }
        }
        FormKind::Export { kind } => match export::check_path(f.value(0), lang) {
            Ok(path) => Some(Op::Export {
                kind: kind.clone(),
                path,
            }),
            Err(e) => {
                errors.push((0, e));
                None
            }
        },
        FormKind::Import => {
            let kind = parse_import_kind(f.value(0));
            if kind.is_none() {
                errors.push((0, format!("{}：{}", unknown(lang), f.fields[0].hint)));
            }
            let path = f.value(1).to_string();
            if path.is_empty() {
                errors.push((1, required.into()));
            } else if !std::path::Path::new(&path).is_file() {
                errors.push((1, lang.pick("找不到这个文件", "no such file").to_string()));
            }
            match kind {
                Some(kind) if errors.is_empty() => Some(Op::Import {
                    kind,
                    path: PathBuf::from(path),
                    dry_run: true,
                }),
                _ => None,
            }
        }
    };
    for (i, e) in errors {
        if let Some(field) = f.fields.get_mut(i) {
            if field.error.is_none() {
                field.error = Some(e);
            }
        }
    }
    op
}

pub(super) fn unknown(lang: Lang) -> &'static str {
    lang.pick("无法识别，可填", "not recognised; one of")
}
