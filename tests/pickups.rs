//! Kindergarten pick-ups: recorded with the picker's identity, listed for the duty day.

use gatehouse::pickups::{self, NewPickup, TeacherConfirmation};
use gatehouse::ErrorCode;

use crate::util::{valid_id, Fixture};

fn pickup(child: &str) -> NewPickup {
    NewPickup {
        child_name: child.into(),
        class_name: "大一班".into(),
        picker_name: "张伟".into(),
        relation: "父亲".into(),
        picker_id_number: valid_id("19880808", 11),
        picker_phone: "13812345678".into(),
        teacher: "刘老师".into(),
        teacher_confirmation: Some(TeacherConfirmation::Phone),
        ..Default::default()
    }
}

#[test]
fn a_pick_up_is_listed_masked_and_searchable() {
    let fx = Fixture::new();
    let guard = fx.guard();
    pickups::record(&fx.db, &guard, &pickup("张小明")).unwrap();
    pickups::record(&fx.db, &guard, &NewPickup { class_name: "小二班".into(), ..pickup("王小红") }).unwrap();
    let all = pickups::list_today(&fx.db, &guard, "").unwrap();
    assert_eq!(all.len(), 2);
    assert!(all[0].picker_id_number_masked.starts_with("**************"));
    let found = pickups::list_today(&fx.db, &guard, "小二").unwrap();
    assert_eq!(found.iter().map(|p| p.child_name.as_str()).collect::<Vec<_>>(), vec!["王小红"]);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn a_pick_up_with_a_bad_id_or_phone_names_the_field() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let err = pickups::record(&fx.db, &guard, &NewPickup { picker_id_number: "110101198808080110".into(), ..pickup("张小明") }).unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("picker_id_number"), ErrorCode::IdNumberCheckDigit));
    let err = pickups::record(&fx.db, &guard, &NewPickup { picker_phone: "12345".into(), ..pickup("张小明") }).unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("picker_phone"), ErrorCode::PhoneFormat));
    assert!(pickups::list_today(&fx.db, &guard, "").unwrap().is_empty());
}
