//! School settings kept in the database (name, province, signer), editable by the admin.

use diesel::prelude::*;
use serde::Serialize;

use super::{DbConn, StoreResult};
use crate::db::schema::settings;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SchoolSettings {
    pub school_name: String,
    pub province: String,
    pub signer_title: String,
    pub signer_name: String,
}

impl Default for SchoolSettings {
    fn default() -> Self {
        Self {
            school_name: "Trường Chính trị tỉnh".into(),
            province: String::new(),
            signer_title: "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG".into(),
            signer_name: String::new(),
        }
    }
}

pub fn load(conn: &mut DbConn) -> StoreResult<SchoolSettings> {
    let rows: Vec<(String, String)> = settings::table.select((settings::key, settings::value)).load(conn)?;
    let mut s = SchoolSettings::default();
    for (key, value) in rows {
        match key.as_str() {
            "school_name" => s.school_name = value,
            "province" => s.province = value,
            "signer_title" => s.signer_title = value,
            "signer_name" => s.signer_name = value,
            _ => {}
        }
    }
    Ok(s)
}

pub fn save(conn: &mut DbConn, actor: &super::audit::Actor, new: &SchoolSettings) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = load(conn)?;
        for (key, value) in [
            ("school_name", &new.school_name),
            ("province", &new.province),
            ("signer_title", &new.signer_title),
            ("signer_name", &new.signer_name),
        ] {
            diesel::delete(settings::table.filter(settings::key.eq(key))).execute(conn)?;
            diesel::insert_into(settings::table)
                .values((settings::key.eq(key), settings::value.eq(value)))
                .execute(conn)?;
        }
        super::audit::record(conn, actor, "settings", None, "update", Some(&before), Some(new))
    })
}
