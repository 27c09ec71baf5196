//! Plain domain types and rules. No I/O: everything here is a value or a pure function.

pub mod calendar;
pub mod credit_code;
pub mod inspection;
pub mod inspector;
pub mod item;
pub mod period;
pub mod plan;
pub mod prompt;
pub mod rules;
pub mod scope;
pub mod sym;
pub mod target;
mod target_serde;
pub mod target_text;
pub mod task;
pub mod violation;

pub use calendar::{
    CalendarError, CalendarErrorKind, CalendarYear, WorkingCalendar, PUBLICATION_WORKING_DAYS,
};
pub use credit_code::{CreditCode, CreditCodeCheck, CreditCodeError};
pub use inspector::{
    Department, DepartmentId, DepartmentKind, Inspector, InspectorId, InspectorStatus, RecusalPair,
};
pub use item::{InspectionItem, ItemId};
pub use period::{Cycle, Period, PeriodError};
pub use plan::{InspectionMethod, ItemClass, JointKind, Plan, PlanError, PlanId, PLAN_HEADERS};
pub use rules::{
    Category, Classification, Condition, Level, LostReason, QuotaError, Row, RowClass, RowGroup,
    RowId, Rules, RulesError, RulesErrorKind, Settings,
};
pub use sym::{Sym, SymList};
pub use target::{
    MonthSet, PermitClass, StatusChange, SupervisionLists, Target, TargetId, TargetStatus,
    TargetText,
};
