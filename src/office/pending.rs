//! Status changes dated ahead take effect on their day (issue 20), also in an office that
//! keeps running: a long-lived `serve` brings the registries' statuses up to date at the first
//! request of each new day, exactly as opening the store that day would (`load_state`): the
//! status in memory is that of the last change in effect ([`super::registry::status_on`]).
//! Nothing is written: the stored history already holds the change, and what a restart shows
//! is what the running office shows.

use super::{registry, Office};
use chrono::NaiveDate;

impl Office {
    /// Bring the statuses up to `today` when the day has changed since they last were; the
    /// number of targets and inspectors whose status changed.
    pub fn apply_due_status_changes(&self, today: NaiveDate) -> usize {
        let mut day = self.status_day.lock().unwrap_or_else(|p| p.into_inner());
        if *day >= today {
            return 0;
        }
        *day = today;
        let current = self.state();
        let due_targets: Vec<usize> = current
            .targets
            .iter()
            .enumerate()
            .filter(|(_, t)| registry::status_on(t.status, &t.status_history, today) != t.status)
            .map(|(i, _)| i)
            .collect();
        let due_inspectors: Vec<usize> = current
            .inspectors
            .iter()
            .enumerate()
            .filter(|(_, p)| registry::status_on(p.status, &p.status_history, today) != p.status)
            .map(|(i, _)| i)
            .collect();
        drop(current);
        let n = due_targets.len() + due_inspectors.len();
        if n == 0 {
            return 0;
        }
        let mut st = self.state_mut();
        for i in due_targets {
            let t = &mut st.targets[i];
            t.status = registry::status_on(t.status, &t.status_history, today);
        }
        for i in due_inspectors {
            let p = &mut st.inspectors[i];
            p.status = registry::status_on(p.status, &p.status_history, today);
        }
        st.target_search = super::search::TargetSearch::build(&st.targets).into();
        tracing::info!(changed = n, %today, "status changes dated ahead took effect");
        n
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::inspector::InspectorStatus;
    use crate::domain::TargetStatus;
    use crate::i18n::Lang;
    use crate::office::Office;
    use chrono::{Duration, NaiveDate};

    #[test]
    fn a_running_office_applies_a_change_dated_ahead_on_its_day_without_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let office = Office::open(dir.path(), Lang::Zh)
            .unwrap()
            .with_user("tester");
        office.load_demo().unwrap();
        let today = chrono::Local::now().date_naive();
        let ahead = today + Duration::days(3);
        let before = office.state().targets[2].status;
        assert_ne!(before, TargetStatus::Closed);
        office
            .set_target_status(3, TargetStatus::Closed, ahead, "计划关闭")
            .unwrap();
        let inspector = office.state().inspectors[0].status;
        office
            .set_inspector_status(1, InspectorStatus::Left, ahead, "退休")
            .unwrap();
        let audit = office.audit_len();
        // The days before: still pending.
        for d in 0..3 {
            assert_eq!(
                office.apply_due_status_changes(today + Duration::days(d)),
                0
            );
            assert_eq!(office.state().targets[2].status, before);
            assert_eq!(office.state().inspectors[0].status, inspector);
        }
        // Its day: in effect, for both, and nothing written.
        assert_eq!(office.apply_due_status_changes(ahead), 2);
        assert_eq!(office.state().targets[2].status, TargetStatus::Closed);
        assert_eq!(office.state().inspectors[0].status, InspectorStatus::Left);
        assert_eq!(office.audit_len(), audit);
        // Once a day: a second call the same day has nothing to do.
        assert_eq!(office.apply_due_status_changes(ahead), 0);
        // What a restart on that day would show is what the running office shows.
        let day: NaiveDate = ahead;
        let h = &office.state().targets[2].status_history;
        assert_eq!(
            crate::office::registry::status_on(before, h, day),
            TargetStatus::Closed
        );
    }
}
