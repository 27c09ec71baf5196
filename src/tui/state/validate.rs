//! Checking a form before its operation is sent: the [`Op`], or each field's error under it.
//!
//! A form's check reads its fields by key ([`Form::get`]) and runs one rule per field
//! ([`Check::field`]): `required`, `date`, `listed` (one of the hint's choices), or a rule of
//! its own. The plan and task-step forms have their checks beside their forms
//! (`work::validate_plan`, `progress::validate_step`).

use super::registries::parse_import_kind;
use super::*;
use crate::domain::{CreditCode, InspectorStatus, PermitClass, TargetStatus};

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
    let mut c = Check {
        form: f,
        lang,
        errors: Vec::new(),
    };
    let op = match f.kind.clone() {
        FormKind::Status {
            registry,
            id,
            revision: base,
        } => status(&mut c, registry, id, base),
        FormKind::Target { id, revision } => target(&mut c, ctx, id, revision),
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
                    c.errors.extend(e);
                    None
                }
            }
        }
        FormKind::Plan { id, revision } => match work::validate_plan(f, id, ctx, lang, today) {
            Ok(p) => Some(Op::SavePlan(Box::new(p), revision)),
            Err(e) => {
                c.errors.extend(e);
                None
            }
        },
        FormKind::VoidDraw { id } => {
            let need = lang.pick("作废必须说明原因", "voiding needs a reason");
            c.field("Reason", required(need))
                .map(|reason| Op::VoidDraw { id, reason })
        }
        FormKind::Export { kind } => c
            .field("Save to", |t| export::check_path(t, lang))
            .map(|path| Op::Export { kind, path }),
        FormKind::Import => {
            let kind = c.listed("Registry", parse_import_kind);
            let path = c.field("File", |t| {
                let t = required(lang.pick("必填", "required"))(t)?;
                if std::path::Path::new(&t).is_file() {
                    Ok(PathBuf::from(t))
                } else {
                    Err(lang.pick("找不到这个文件", "no such file").to_string())
                }
            });
            match (kind, path) {
                (Some(kind), Some(path)) if c.errors.is_empty() => Some(Op::Import {
                    kind,
                    path,
                    dry_run: true,
                }),
                _ => None,
            }
        }
    };
    let errors = std::mem::take(&mut c.errors);
    for (i, e) in errors {
        if let Some(field) = f.fields.get_mut(i) {
            if field.error.is_none() {
                field.error = Some(e);
            }
        }
    }
    op.filter(|_| f.fields.iter().all(|x| x.error.is_none()))
}

/// A status change of a target or an inspector.
fn status(c: &mut Check, registry: Registry, id: u64, base: Option<u64>) -> Option<Op> {
    let lang = c.lang;
    let date = c.field("Effective", |t| date(t, lang));
    let need = lang.pick("必须填写变更原因", "a status change needs a reason");
    let reason = c.field("Reason", required(need));
    match registry {
        Registry::Inspectors => {
            let status = c.listed("New status", InspectorStatus::parse);
            Some(Op::SetInspectorStatus {
                id,
                status: status?,
                date: date?,
                reason: reason?,
                base,
            })
        }
        _ => {
            let status = c.listed("New status", TargetStatus::parse);
            Some(Op::SetTargetStatus {
                id,
                status: status?,
                date: date?,
                reason: reason?,
                base,
            })
        }
    }
}

/// A target added (`id == 0`) or edited.
fn target(c: &mut Check, ctx: &Ctx, id: u64, revision: Option<u64>) -> Option<Op> {
    let lang = c.lang;
    let need = lang.pick("必填", "required");
    let name = c.field("Name", required(need));
    // A pilot code (CreditCodeCheck::PilotWarning) is accepted, as the importer does.
    let code = c.field("Credit code", |t| {
        let (code, _) = CreditCode::parse(t).map_err(|e| e.localize(lang))?;
        match ctx.data.target_id_by_code(code.as_str()) {
            Some(other) if other != id => Err(format!(
                "{} {other}",
                lang.pick("已被另一检查对象使用：", "already used by target")
            )),
            _ => Ok(code),
        }
    });
    let region = c.field("Town", required(need));
    let permit = c.listed("Permit class", PermitClass::parse);
    let status = c.listed("Status", TargetStatus::parse);
    let (name, code, region, permit_class, status) = (name?, code?, region?, permit?, status?);
    let mut t = ctx
        .data
        .target(id)
        .cloned()
        .unwrap_or_else(|| blank_target(code.clone()));
    t.set_name(&name);
    t.credit_code = code;
    t.region = region.into();
    t.industry = c.form.get("Industry").into();
    t.set_address(c.form.get("Address"));
    t.permit_class = permit_class;
    t.status = status;
    Some(Op::SaveTarget(Box::new(t), revision))
}

/// One form being checked: the errors found so far, by field position.
struct Check<'f> {
    form: &'f Form,
    lang: Lang,
    errors: Vec<(usize, String)>,
}

impl Check<'_> {
    /// Run `rule` on the field `key`'s text; its message goes under that field.
    fn field<T>(&mut self, key: &str, rule: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        match rule(self.form.get(key)) {
            Ok(v) => Some(v),
            Err(e) => {
                let i = self.form.index_of(key).unwrap_or(usize::MAX);
                self.errors.push((i, e));
                None
            }
        }
    }

    /// The field `key` holds one of the choices its hint lists.
    fn listed<T>(&mut self, key: &str, parse: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        let lang = self.lang;
        let hint = self.form.hint(key).to_string();
        self.field(key, |t| {
            Some(t)
                .filter(|t| !t.is_empty())
                .and_then(parse)
                .ok_or_else(|| format!("{}：{hint}", unknown(lang)))
        })
    }
}

/// The rule of a field that must not be empty, with its message.
fn required(message: &str) -> impl FnOnce(&str) -> Result<String, String> + '_ {
    move |t| {
        if t.is_empty() {
            Err(message.to_string())
        } else {
            Ok(t.to_string())
        }
    }
}

/// The rule of a date field: `YYYY-MM-DD`.
fn date(t: &str, lang: Lang) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
        lang.pick(
            "日期应写成 YYYY-MM-DD，例如 2022-08-15",
            "write the date as YYYY-MM-DD, e.g. 2022-08-15",
        )
        .into()
    })
}

pub(super) fn unknown(lang: Lang) -> &'static str {
    lang.pick("无法识别，可填", "not recognised; one of")
}
