//! The listings of `shuangsui list`, as data: the office returns the records (with the names
//! a reader needs resolved) and the CLI words them (cli::print::listing_text); `--json`
//! returns their JSON with each record's revision.

use super::announce::Announcement;
use super::edit::list_json;
use super::{DrawRecord, ListKind, Office, OfficeError};
use crate::domain::inspector::{Department, Inspector, RecusalPair};
use crate::domain::plan::Plan;
use crate::domain::task::Task;
use crate::domain::Target;
use crate::store::TreeName;
use serde::{Deserialize, Serialize};

/// The records of one listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Listing {
    Targets(Vec<Target>),
    /// Each inspector with the name of their department.
    Inspectors(Vec<(Inspector, String)>),
    Departments(Vec<Department>),
    /// Each pair with the inspector's and the target's name (`?` when gone).
    Conflicts(Vec<(RecusalPair, String, String)>),
    /// Each task with its target's name (`?` when gone) and its team's names.
    Tasks(Vec<(Task, String, Vec<String>)>),
    /// The committed draws, then every announcement that did not become one.
    Draws {
        draws: Vec<DrawRecord>,
        attempts: Vec<Announcement>,
    },
    Plans(Vec<Plan>),
    /// Issue 19: the item list; inspections outside the draw with their target's name;
    /// violations with the re-inspection visits.
    Items(Vec<crate::domain::InspectionItem>),
    Inspections(Vec<(crate::domain::inspection::Inspection, String)>),
    Violations {
        violations: Vec<crate::domain::violation::Violation>,
        reinspections: Vec<crate::domain::violation::Reinspection>,
    },
}

impl Office {
    /// The records `shuangsui list KIND` shows.
    pub fn listing(&self, kind: ListKind) -> Listing {
        let st = self.state();
        let name_of_inspector = |i: &u64| {
            st.inspector(*i)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| i.to_string())
        };
        match kind {
            ListKind::Targets => Listing::Targets(st.targets.clone()),
            ListKind::Inspectors => Listing::Inspectors(
                st.inspectors
                    .iter()
                    .map(|p| (p.clone(), st.department_name(&p.department).to_string()))
                    .collect(),
            ),
            ListKind::Departments => Listing::Departments(st.departments.clone()),
            ListKind::Conflicts => Listing::Conflicts(
                st.conflicts
                    .iter()
                    .map(|c| {
                        let insp = st.inspector(c.inspector).map(|p| p.name.clone());
                        let targ = st.target(c.target).map(|t| t.name().to_string());
                        (
                            c.clone(),
                            insp.unwrap_or_else(|| "?".into()),
                            targ.unwrap_or_else(|| "?".into()),
                        )
                    })
                    .collect(),
            ),
            ListKind::Tasks => {
                let book = self.book();
                Listing::Tasks(
                    book.tasks
                        .iter()
                        .map(|t| {
                            let name = st.target(t.target).map(|x| x.name().to_string());
                            (
                                t.clone(),
                                name.unwrap_or_else(|| "?".into()),
                                t.team.iter().map(name_of_inspector).collect(),
                            )
                        })
                        .collect(),
                )
            }
            ListKind::Draws => {
                let book = self.book();
                Listing::Draws {
                    draws: book.draws.clone(),
                    attempts: super::announce::attempts(&book).cloned().collect(),
                }
            }
            ListKind::Plans => Listing::Plans(self.book().plans.clone()),
            ListKind::Items => Listing::Items(st.items.clone()),
            ListKind::Inspections => Listing::Inspections(
                st.inspections
                    .iter()
                    .map(|i| {
                        let name = st.target(i.target).map(|t| t.name().to_string());
                        (i.clone(), name.unwrap_or_else(|| "?".into()))
                    })
                    .collect(),
            ),
            ListKind::Violations => {
                let (violations, reinspections) = self.violations_listing();
                Listing::Violations {
                    violations,
                    reinspections,
                }
            }
        }
    }

    /// `shuangsui list KIND --json`: the records with their revisions (draws and tasks as
    /// their JSON views).
    pub fn listing_json(&self, kind: ListKind) -> Result<String, OfficeError> {
        let to_json = |v: &dyn erased::Json| v.pretty();
        let st = self.state();
        let revs = self.revisions();
        match kind {
            ListKind::Targets => list_json(&st.targets, TreeName::Targets, |t| t.id, &revs),
            ListKind::Inspectors => {
                list_json(&st.inspectors, TreeName::Inspectors, |p| p.id, &revs)
            }
            ListKind::Departments => {
                list_json(&st.departments, TreeName::Departments, |d| d.id, &revs)
            }
            ListKind::Conflicts => to_json(&st.conflicts),
            ListKind::Tasks => {
                let book = self.book();
                let v: Vec<_> = book
                    .tasks
                    .iter()
                    .map(|t| super::task_json_of(t, &st, &book.plans, &self.calendar()))
                    .collect();
                to_json(&v)
            }
            ListKind::Draws => {
                drop(st);
                let book = self.book();
                // The draws, then every attempt that did not become one (abandoned,
                // infeasible, still announced), each with its `state`.
                let mut v: Vec<serde_json::Value> = Vec::new();
                for d in &book.draws {
                    v.push(
                        serde_json::to_value(self.draw_json(d))
                            .map_err(super::announce::json_err)?,
                    );
                }
                for a in super::announce::attempts(&book) {
                    v.push(
                        serde_json::to_value(super::announce::announcement_json(a))
                            .map_err(super::announce::json_err)?,
                    );
                }
                to_json(&v)
            }
            ListKind::Plans => list_json(&self.book().plans, TreeName::Plans, |p| p.id, &revs),
            ListKind::Items => list_json(&st.items, TreeName::Items, |i| i.id, &revs),
            ListKind::Inspections => to_json(&st.inspections),
            ListKind::Violations => {
                drop(st);
                let (violations, reinspections) = self.violations_listing();
                to_json(&serde_json::json!({
                    "violations": violations,
                    "reinspections": reinspections,
                }))
            }
        }
    }
}

/// Pretty JSON of any serializable listing, without generic closures.
mod erased {
    use super::OfficeError;

    pub trait Json {
        fn pretty(&self) -> Result<String, OfficeError>;
    }

    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> Result<String, OfficeError> {
            serde_json::to_string_pretty(self)
                .map(|s| s + "\n")
                .map_err(|e| OfficeError::Refused(e.to_string()))
        }
    }
}
