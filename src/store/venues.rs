//! What a session plan uses besides people: venues (cơ sở) and their rooms, guest speakers
//! (báo cáo viên, who have no account) and the public holidays the plan skips.

use diesel::prelude::*;
use serde::Serialize;
use time::Date;

use super::audit::{self, Actor};
use super::{DbConn, StoreError, StoreResult};
use crate::db::schema::{guest_speakers, holidays, rooms, venues};
use crate::domain::{dates, names};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = venues)]
pub struct Venue {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub place: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VenueInput {
    pub name: String,
    pub address: String,
    pub place: String,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = rooms)]
pub struct Room {
    pub id: i64,
    pub venue_id: i64,
    pub name: String,
    pub capacity: i32,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RoomInput {
    pub venue_id: i64,
    pub name: String,
    pub capacity: i32,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = guest_speakers)]
pub struct GuestSpeaker {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub organisation: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GuestSpeakerInput {
    pub name: String,
    pub title: String,
    pub organisation: String,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = holidays)]
pub struct Holiday {
    pub day: Date,
    pub name: String,
}

/// Venues in Vietnamese order.
pub fn venues(conn: &mut DbConn) -> StoreResult<Vec<Venue>> {
    let mut all: Vec<Venue> = venues::table.select(Venue::as_select()).load(conn)?;
    all.sort_by(|a, b| names::compare(&a.name, &b.name));
    Ok(all)
}

pub fn venue(conn: &mut DbConn, id: i64) -> StoreResult<Venue> {
    Ok(venues::table.find(id).select(Venue::as_select()).get_result(conn)?)
}

pub fn create_venue(conn: &mut DbConn, actor: &Actor, input: &VenueInput) -> StoreResult<i64> {
    super::write_tx(conn, |conn| {
        let now = dates::now();
        let id: i64 = diesel::insert_into(venues::table)
            .values((
                venues::name.eq(&input.name),
                venues::address.eq(&input.address),
                venues::place.eq(&input.place),
                venues::active.eq(input.active),
                venues::created_at.eq(now),
                venues::updated_at.eq(now),
            ))
            .returning(venues::id)
            .get_result(conn)
            .map_err(|e| unique_as(e, "venue.error.name_taken"))?;
        audit::record(conn, actor, "venue", Some(id), "create", None::<&()>, Some(input))?;
        Ok(id)
    })
}

pub fn update_venue(conn: &mut DbConn, actor: &Actor, id: i64, input: &VenueInput) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = venue(conn, id)?;
        diesel::update(venues::table.find(id))
            .set((
                venues::name.eq(&input.name),
                venues::address.eq(&input.address),
                venues::place.eq(&input.place),
                venues::active.eq(input.active),
                venues::updated_at.eq(dates::now()),
            ))
            .execute(conn)
            .map_err(|e| unique_as(e, "venue.error.name_taken"))?;
        audit::record(conn, actor, "venue", Some(id), "update", Some(&before), Some(input))
    })
}

/// Rooms of a venue (or of every venue), by venue then name.
pub fn rooms(conn: &mut DbConn, venue_id: Option<i64>) -> StoreResult<Vec<Room>> {
    let mut q = rooms::table.select(Room::as_select()).into_boxed();
    if let Some(v) = venue_id {
        q = q.filter(rooms::venue_id.eq(v));
    }
    let mut all: Vec<Room> = q.load(conn)?;
    all.sort_by(|a, b| a.venue_id.cmp(&b.venue_id).then_with(|| names::compare(&a.name, &b.name)));
    Ok(all)
}

pub fn room(conn: &mut DbConn, id: i64) -> StoreResult<Room> {
    Ok(rooms::table.find(id).select(Room::as_select()).get_result(conn)?)
}

pub fn create_room(conn: &mut DbConn, actor: &Actor, input: &RoomInput) -> StoreResult<i64> {
    super::write_tx(conn, |conn| {
        venue(conn, input.venue_id)?;
        let id: i64 = diesel::insert_into(rooms::table)
            .values((
                rooms::venue_id.eq(input.venue_id),
                rooms::name.eq(&input.name),
                rooms::capacity.eq(input.capacity),
                rooms::active.eq(input.active),
            ))
            .returning(rooms::id)
            .get_result(conn)
            .map_err(|e| unique_as(e, "room.error.name_taken"))?;
        audit::record(conn, actor, "room", Some(id), "create", None::<&()>, Some(input))?;
        Ok(id)
    })
}

pub fn update_room(conn: &mut DbConn, actor: &Actor, id: i64, input: &RoomInput) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = room(conn, id)?;
        diesel::update(rooms::table.find(id))
            .set((rooms::name.eq(&input.name), rooms::capacity.eq(input.capacity), rooms::active.eq(input.active)))
            .execute(conn)
            .map_err(|e| unique_as(e, "room.error.name_taken"))?;
        audit::record(conn, actor, "room", Some(id), "update", Some(&before), Some(input))
    })
}

pub fn guest_speakers(conn: &mut DbConn) -> StoreResult<Vec<GuestSpeaker>> {
    let mut all: Vec<GuestSpeaker> = guest_speakers::table.select(GuestSpeaker::as_select()).load(conn)?;
    all.sort_by(|a, b| names::compare(&a.name, &b.name));
    Ok(all)
}

pub fn guest_speaker(conn: &mut DbConn, id: i64) -> StoreResult<GuestSpeaker> {
    Ok(guest_speakers::table.find(id).select(GuestSpeaker::as_select()).get_result(conn)?)
}

pub fn create_guest_speaker(conn: &mut DbConn, actor: &Actor, input: &GuestSpeakerInput) -> StoreResult<i64> {
    super::write_tx(conn, |conn| {
        let id: i64 = diesel::insert_into(guest_speakers::table)
            .values((
                guest_speakers::name.eq(&input.name),
                guest_speakers::title.eq(&input.title),
                guest_speakers::organisation.eq(&input.organisation),
                guest_speakers::active.eq(input.active),
            ))
            .returning(guest_speakers::id)
            .get_result(conn)?;
        audit::record(conn, actor, "guest_speaker", Some(id), "create", None::<&()>, Some(input))?;
        Ok(id)
    })
}

pub fn update_guest_speaker(conn: &mut DbConn, actor: &Actor, id: i64, input: &GuestSpeakerInput) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = guest_speaker(conn, id)?;
        diesel::update(guest_speakers::table.find(id))
            .set((
                guest_speakers::name.eq(&input.name),
                guest_speakers::title.eq(&input.title),
                guest_speakers::organisation.eq(&input.organisation),
                guest_speakers::active.eq(input.active),
            ))
            .execute(conn)?;
        audit::record(conn, actor, "guest_speaker", Some(id), "update", Some(&before), Some(input))
    })
}

/// Public holidays in a range of days, in order.
pub fn holidays_between(conn: &mut DbConn, from: Date, to: Date) -> StoreResult<Vec<Holiday>> {
    Ok(holidays::table
        .filter(holidays::day.ge(from))
        .filter(holidays::day.le(to))
        .order(holidays::day)
        .select(Holiday::as_select())
        .load(conn)?)
}

pub fn all_holidays(conn: &mut DbConn) -> StoreResult<Vec<Holiday>> {
    Ok(holidays::table.order(holidays::day.desc()).select(Holiday::as_select()).load(conn)?)
}

pub fn add_holiday(conn: &mut DbConn, actor: &Actor, holiday: &Holiday) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        diesel::insert_into(holidays::table)
            .values((holidays::day.eq(holiday.day), holidays::name.eq(&holiday.name)))
            .execute(conn)
            .map_err(|e| unique_as(e, "holiday.error.taken"))?;
        audit::record(
            conn,
            actor,
            "holiday",
            None,
            "create",
            None::<&()>,
            Some(&serde_json::json!({ "day": dates::iso(holiday.day), "name": holiday.name })),
        )
    })
}

pub fn remove_holiday(conn: &mut DbConn, actor: &Actor, day: Date) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let removed = diesel::delete(holidays::table.find(day)).execute(conn)?;
        if removed == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(
            conn,
            actor,
            "holiday",
            None,
            "delete",
            Some(&serde_json::json!({ "day": dates::iso(day) })),
            None::<&()>,
        )
    })
}

/// A uniqueness violation as the given message; other errors unchanged.
pub(crate) fn unique_as(e: diesel::result::Error, key: &'static str) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(key),
        other => other,
    }
}
