//! The compact `Target` (interned town, industry, grades and lists; the credit code inline)
//! reads and writes exactly what the first shape did: the stored chunks and the JSON of every
//! reply are unchanged (issue 17).

use super::*;
use crate::store::codec;

/// The shape a target had before issue 17: every text a `String`, every list a `Vec<String>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Before {
    id: TargetId,
    name: String,
    credit_code: BeforeCode,
    region: String,
    industry: String,
    address: String,
    permit_class: PermitClass,
    permit_number: String,
    lists: SupervisionLists,
    radiation_user: bool,
    construction_project: bool,
    positive_list: bool,
    online_monitoring: bool,
    video_monitoring: bool,
    pollutants: Vec<String>,
    production_months: MonthSet,
    credit_grade: String,
    performance_grade: String,
    violations: u32,
    complaints: u32,
    status: TargetStatus,
    status_history: Vec<StatusChange<TargetStatus>>,
    tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct BeforeCode(String);

crate::stored_unchanged!(Before);

fn before(t: &Target) -> Before {
    Before {
        id: t.id,
        name: t.name().to_string(),
        credit_code: BeforeCode(t.credit_code.as_str().to_string()),
        region: t.region.to_string(),
        industry: t.industry.to_string(),
        address: t.address().to_string(),
        permit_class: t.permit_class,
        permit_number: t.permit_number().to_string(),
        lists: t.lists,
        radiation_user: t.radiation_user,
        construction_project: t.construction_project,
        positive_list: t.positive_list,
        online_monitoring: t.online_monitoring,
        video_monitoring: t.video_monitoring,
        pollutants: t.pollutants.to_strings(),
        production_months: t.production_months,
        credit_grade: t.credit_grade.to_string(),
        performance_grade: t.performance_grade.to_string(),
        violations: t.violations,
        complaints: t.complaints,
        status: t.status,
        status_history: t.status_history.clone(),
        tags: t.tags.to_strings(),
    }
}

fn sample() -> Vec<Target> {
    let mut ts = crate::synth::targets(3000, 17);
    // Values the generator does not make: an old-format code, empty lists, a status history.
    ts[0].credit_code = crate::domain::CreditCode::from_stored("旧码-0001".into());
    ts[1].tags.clear();
    ts[1].pollutants.clear();
    ts[2].status_history.push(StatusChange {
        status: TargetStatus::Suspended,
        effective: chrono::NaiveDate::from_ymd_opt(2022, 3, 1).expect("date"),
        reason: "停产整治".into(),
        by: "张三".into(),
    });
    ts
}

#[test]
fn a_chunk_written_in_the_first_shape_decodes_to_equal_targets() {
    let ts = sample();
    for chunk in ts.chunks(1024) {
        let old: Vec<Before> = chunk.iter().map(before).collect();
        let bytes = codec::encode(&old).expect("encode");
        let back: Vec<Target> = codec::decode(&bytes).expect("decode");
        assert_eq!(back, chunk);
        // And the compact shape writes the very same bytes.
        assert_eq!(codec::encode(chunk).expect("encode"), bytes);
        // A format-1 record reads the same (the target's shape did not change).
        let mut v1 = bytes.clone();
        v1[0] = 1;
        assert_eq!(codec::decode::<Vec<Target>>(&v1).expect("v1"), chunk);
    }
}

#[test]
fn the_json_of_a_target_is_unchanged() {
    for t in sample().iter().take(300) {
        let now = serde_json::to_value(t).expect("json");
        assert_eq!(now, serde_json::to_value(before(t)).expect("json"));
        let back: Target = serde_json::from_value(now).expect("from json");
        assert_eq!(&back, t);
    }
}

#[test]
fn a_target_is_compact() {
    // 296 bytes before issue 17, with eight more heap strings and two heap lists per target;
    // 176 with the name, address and permit number as three `String`s.
    assert!(
        std::mem::size_of::<Target>() <= 128,
        "{}",
        std::mem::size_of::<Target>()
    );
}

proptest::proptest! {
    #[test]
    fn any_texts_round_trip_through_the_stored_and_json_forms(
        region in ".{0,12}",
        industry in "[a-z水泥化工]{0,8}",
        tags in proptest::collection::vec("[^\u{0}]{0,6}", 0..4),
        pollutants in proptest::collection::vec("[废气水噪声]{1,4}", 0..4),
        grade in "(|诚信|良好|A|B级)",
    ) {
        let mut t = crate::synth::targets(1, 3).remove(0);
        t.region = region.as_str().into();
        t.industry = industry.as_str().into();
        t.tags = tags.clone().into();
        t.pollutants = pollutants.clone().into();
        t.credit_grade = grade.as_str().into();
        proptest::prop_assert_eq!(t.tags.to_strings(), tags);
        proptest::prop_assert_eq!(t.region.as_str(), region.as_str());
        let bytes = codec::encode(&vec![&t]).expect("encode");
        proptest::prop_assert_eq!(&bytes, &codec::encode(&vec![before(&t)]).expect("encode"));
        let back: Vec<Target> = codec::decode(&bytes).expect("decode");
        proptest::prop_assert_eq!(&back[..], &[t.clone()][..]);
        let j = serde_json::to_string(&t).expect("json");
        proptest::prop_assert_eq!(&j, &serde_json::to_string(&before(&t)).expect("json"));
    }
}
