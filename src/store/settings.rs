//! School settings kept in the database (name, province, signer, the training office's contact),
//! editable by the admin. One row per setting in a key/value table, so a new setting needs no
//! migration; a key never saved reads as its default.

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
    /// Phone of the training office (Phòng Quản lý đào tạo), printed at the foot of every email.
    pub office_phone: String,
    /// Its postal address, also at the foot of every email.
    pub office_address: String,
}

impl Default for SchoolSettings {
    fn default() -> Self {
        Self {
            school_name: "Trường Chính trị tỉnh".into(),
            province: String::new(),
            signer_title: "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG".into(),
            signer_name: String::new(),
            office_phone: String::new(),
            office_address: String::new(),
        }
    }
}

impl SchoolSettings {
    /// The school's name completed with its province (see `domain::school::full_name`).
    pub fn full_name(&self) -> String {
        crate::domain::school::full_name(&self.school_name, &self.province)
    }

    fn fields(&self) -> [(&'static str, &String); 6] {
        [
            ("school_name", &self.school_name),
            ("province", &self.province),
            ("signer_title", &self.signer_title),
            ("signer_name", &self.signer_name),
            ("office_phone", &self.office_phone),
            ("office_address", &self.office_address),
        ]
    }

    fn field_mut(&mut self, key: &str) -> Option<&mut String> {
        match key {
            "school_name" => Some(&mut self.school_name),
            "province" => Some(&mut self.province),
            "signer_title" => Some(&mut self.signer_title),
            "signer_name" => Some(&mut self.signer_name),
            "office_phone" => Some(&mut self.office_phone),
            "office_address" => Some(&mut self.office_address),
            _ => None,
        }
    }
}

pub fn load(conn: &mut DbConn) -> StoreResult<SchoolSettings> {
    let rows: Vec<(String, String)> = settings::table.select((settings::key, settings::value)).load(conn)?;
    let mut s = SchoolSettings::default();
    for (key, value) in rows {
        if let Some(field) = s.field_mut(&key) {
            *field = value;
        }
    }
    Ok(s)
}

pub fn save(conn: &mut DbConn, actor: &super::audit::Actor, new: &SchoolSettings) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = load(conn)?;
        for (key, value) in new.fields() {
            diesel::delete(settings::table.filter(settings::key.eq(key))).execute(conn)?;
            diesel::insert_into(settings::table)
                .values((settings::key.eq(key), settings::value.eq(value)))
                .execute(conn)?;
        }
        super::audit::record(conn, actor, "settings", None, "update", Some(&before), Some(new))
    })
}
