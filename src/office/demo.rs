//! The demo registries of Yiliang County, compiled into the binary from fixtures/.

use super::{ImportKind, ImportOutcome, Office, OfficeError};

pub const DEPARTMENTS_CSV: &[u8] = include_bytes!("../../fixtures/departments.csv");
pub const INSPECTORS_CSV: &[u8] = include_bytes!("../../fixtures/inspectors.csv");
pub const TARGETS_CSV: &[u8] = include_bytes!("../../fixtures/targets.csv");
pub const CONFLICTS_CSV: &[u8] = include_bytes!("../../fixtures/conflicts.csv");
pub const PLAN_CSV: &[u8] = include_bytes!("../../fixtures/plan-2022.csv");

impl Office {
    /// Load the demo registries (departments, inspectors, targets, recusal pairs, the 2022 plan), each an
    /// ordinary audited import.
    pub fn load_demo(&self) -> Result<Vec<ImportOutcome>, OfficeError> {
        let files: [(ImportKind, &str, &[u8]); 5] = [
            (
                ImportKind::Departments,
                "fixtures/departments.csv",
                DEPARTMENTS_CSV,
            ),
            (
                ImportKind::Inspectors,
                "fixtures/inspectors.csv",
                INSPECTORS_CSV,
            ),
            (ImportKind::Targets, "fixtures/targets.csv", TARGETS_CSV),
            (
                ImportKind::Conflicts,
                "fixtures/conflicts.csv",
                CONFLICTS_CSV,
            ),
            (ImportKind::Plans, "fixtures/plan-2022.csv", PLAN_CSV),
        ];
        // The item list the plans name (issue 19); `init` seeded it already.
        self.seed_items()?;
        let mut out = Vec::new();
        for (kind, name, bytes) in files {
            out.push(self.import_bytes(kind, name, bytes, false)?);
        }
        Ok(out)
    }
}
