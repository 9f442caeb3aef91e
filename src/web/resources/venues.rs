//! Venues (cơ sở) and their rooms with their capacity.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{Field, RecordForm, whole_number};
use crate::domain::numbers::format_int;
use crate::i18n::{self, Lang};
use crate::store::venues::{self, Room, RoomInput, Venue, VenueInput};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Debug, Default, Clone)]
struct VenueForm {
    name: String,
    address: String,
    place: String,
    active: bool,
}

impl VenueForm {
    fn of(v: &Venue) -> Self {
        Self { name: v.name.clone(), address: v.address.clone(), place: v.place.clone(), active: v.active }
    }

    fn read(fields: Vec<(String, String)>) -> Self {
        let map: HashMap<String, String> = fields.into_iter().collect();
        let get = |k: &str| map.get(k).cloned().unwrap_or_default();
        Self {
            name: get("name"),
            address: get("address"),
            place: get("place"),
            active: forms::checkbox(&get("active")),
        }
    }

    fn validate(&self, lang: Lang) -> Result<VenueInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = forms::required_text(&mut e, lang, "name", &self.name, 200);
        let place = forms::required_text(&mut e, lang, "place", &self.place, 100);
        let address = forms::text(&self.address);
        if address.chars().count() > 300 {
            e.add_text("address", i18n::t_with(lang, "form.too_long", &[("max", "300")]));
        }
        if e.is_empty() { Ok(VenueInput { name, address, place, active: self.active }) } else { Err(e) }
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        vec![
            Field::text(lang, "name", "venue.name", &self.name, 200).required().placeholder("Cơ sở Buôn Ma Thuột"),
            Field::text(lang, "address", "venue.address", &self.address, 300),
            Field::text(lang, "place", "venue.place", &self.place, 100).required().hint(lang, "venue.place_hint"),
            Field::checkbox(lang, "active", "venue.active", self.active),
        ]
    }
}

#[derive(Debug, Default, Clone)]
struct RoomForm {
    name: String,
    capacity: String,
    active: bool,
}

impl RoomForm {
    fn of(r: &Room) -> Self {
        Self { name: r.name.clone(), capacity: r.capacity.to_string(), active: r.active }
    }

    fn read(fields: Vec<(String, String)>) -> Self {
        let map: HashMap<String, String> = fields.into_iter().collect();
        let get = |k: &str| map.get(k).cloned().unwrap_or_default();
        Self { name: get("name"), capacity: get("capacity"), active: forms::checkbox(&get("active")) }
    }

    fn validate(&self, lang: Lang, venue_id: i64) -> Result<RoomInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = forms::required_text(&mut e, lang, "name", &self.name, 50);
        let capacity = whole_number(&self.capacity, 1..=2000);
        if capacity.is_none() {
            e.add(lang, "capacity", "room.error.capacity");
        }
        match capacity {
            Some(capacity) if e.is_empty() => Ok(RoomInput { venue_id, name, capacity, active: self.active }),
            _ => Err(e),
        }
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        vec![
            Field::text(lang, "name", "room.name", &self.name, 50).required().placeholder("P201"),
            Field::text(lang, "capacity", "room.capacity", &self.capacity, 5).required().numeric(),
            Field::checkbox(lang, "active", "room.active", self.active),
        ]
    }
}

#[derive(Serialize)]
struct RoomLine {
    id: i64,
    name: String,
    capacity: String,
    active: bool,
}

#[derive(Serialize)]
struct VenueCard {
    id: i64,
    name: String,
    address: String,
    place: String,
    active: bool,
    rooms: Vec<RoomLine>,
}

fn room_lines(rooms: &[Room], venue: i64) -> Vec<RoomLine> {
    rooms
        .iter()
        .filter(|r| r.venue_id == venue)
        .map(|r| RoomLine {
            id: r.id,
            name: r.name.clone(),
            capacity: format_int(i64::from(r.capacity)),
            active: r.active,
        })
        .collect()
}

#[derive(Serialize)]
struct ListView {
    venues: Vec<VenueCard>,
}

pub async fn list(_: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (all, rooms) = state.db(|c| Ok((venues::venues(c)?, venues::rooms(c, None)?))).await?;
    let view = ListView {
        venues: all
            .into_iter()
            .map(|v| VenueCard {
                rooms: room_lines(&rooms, v.id),
                id: v.id,
                name: v.name,
                address: v.address,
                place: v.place,
                active: v.active,
            })
            .collect(),
    };
    page.titled("venue.list_title").render("resources/venues", &view)
}

#[derive(Serialize)]
struct FormView {
    heading: String,
    form: RecordForm,
}

pub async fn new_form(_: StaffUser, page: Page) -> AppResult<HttpResponse> {
    let form = VenueForm { active: true, ..Default::default() };
    let view = FormView {
        heading: page.t("venue.new"),
        form: RecordForm::new(
            page.lang,
            "/venues".into(),
            Some("/venues"),
            form.fields(page.lang),
            &FieldErrors::default(),
        ),
    };
    page.titled("venue.new").render("resources/form", &view)
}

pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let form = VenueForm::read(fields.into_inner());
    let refuse = |page: Page, errors: FieldErrors| {
        let view = FormView {
            heading: page.t("venue.new"),
            form: RecordForm::new(page.lang, "/venues".into(), Some("/venues"), form.fields(page.lang), &errors),
        };
        page.titled("venue.new").render_status(StatusCode::UNPROCESSABLE_ENTITY, "resources/form", &view)
    };
    let input = match form.validate(page.lang) {
        Ok(input) => input,
        Err(errors) => return refuse(page, errors),
    };
    let actor = user.actor();
    match state.db(move |c| venues::create_venue(c, &actor, &input)).await {
        Ok(id) => {
            page.flash("success", "common.saved");
            Ok(see_other(&format!("/venues/{id}")))
        }
        Err(AppError::Conflict(key)) => {
            let mut errors = FieldErrors::default();
            errors.add(page.lang, "name", key);
            refuse(page, errors)
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct VenueView {
    heading: String,
    id: i64,
    form: RecordForm,
    rooms: Vec<RoomLine>,
    room_form: RecordForm,
}

fn venue_view(
    lang: Lang,
    venue: &Venue,
    rooms: &[Room],
    form: &VenueForm,
    room: &RoomForm,
    errors: (&FieldErrors, &FieldErrors),
) -> VenueView {
    let mut room_form =
        RecordForm::with_prefix(lang, "room", format!("/venues/{}/rooms", venue.id), None, room.fields(lang), errors.1);
    room_form.submit = i18n::t(lang, "room.add");
    VenueView {
        heading: venue.name.clone(),
        id: venue.id,
        form: RecordForm::new(lang, format!("/venues/{}", venue.id), Some("/venues"), form.fields(lang), errors.0),
        rooms: room_lines(rooms, venue.id),
        room_form,
    }
}

async fn venue_and_rooms(state: &AppState, id: i64) -> AppResult<(Venue, Vec<Room>)> {
    state.db(move |c| Ok((venues::venue(c, id)?, venues::rooms(c, Some(id))?))).await
}

fn new_room() -> RoomForm {
    RoomForm { active: true, ..Default::default() }
}

pub async fn show(_: StaffUser, page: Page, state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (venue, rooms) = venue_and_rooms(&state, id.into_inner()).await?;
    let none = FieldErrors::default();
    let view = venue_view(page.lang, &venue, &rooms, &VenueForm::of(&venue), &new_room(), (&none, &none));
    page.with_title(venue.name.clone()).render("resources/venue", &view)
}

pub async fn update(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (venue, rooms) = venue_and_rooms(&state, id).await?;
    let form = VenueForm::read(fields.into_inner());
    let errors = match form.validate(page.lang) {
        Ok(input) => {
            let actor = user.actor();
            match state.db(move |c| venues::update_venue(c, &actor, id, &input)).await {
                Ok(()) => {
                    page.flash("success", "common.saved");
                    return Ok(see_other(&format!("/venues/{id}")));
                }
                Err(AppError::Conflict(key)) => {
                    let mut errors = FieldErrors::default();
                    errors.add(page.lang, "name", key);
                    errors
                }
                Err(e) => return Err(e),
            }
        }
        Err(errors) => errors,
    };
    let none = FieldErrors::default();
    let view = venue_view(page.lang, &venue, &rooms, &form, &new_room(), (&errors, &none));
    page.with_title(venue.name.clone()).render_status(StatusCode::UNPROCESSABLE_ENTITY, "resources/venue", &view)
}

pub async fn add_room(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (venue, rooms) = venue_and_rooms(&state, id).await?;
    let form = RoomForm::read(fields.into_inner());
    let outcome = match form.validate(page.lang, id) {
        Ok(input) => {
            let actor = user.actor();
            match state.db(move |c| venues::create_room(c, &actor, &input)).await {
                Ok(_) => Ok(()),
                Err(AppError::Conflict(key)) => {
                    let mut errors = FieldErrors::default();
                    errors.add(page.lang, "name", key);
                    Err(errors)
                }
                Err(e) => return Err(e),
            }
        }
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(()) => {
            page.flash_text("success", i18n::t_with(page.lang, "room.added", &[("name", &forms::text(&form.name))]));
            Ok(see_other(&format!("/venues/{id}")))
        }
        Err(errors) => {
            let none = FieldErrors::default();
            let view = venue_view(page.lang, &venue, &rooms, &VenueForm::of(&venue), &form, (&none, &errors));
            page.with_title(venue.name.clone()).render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "resources/venue",
                &view,
            )
        }
    }
}

async fn room_of(state: &AppState, venue_id: i64, room_id: i64) -> AppResult<(Venue, Room)> {
    let (venue, room) = state.db(move |c| Ok((venues::venue(c, venue_id)?, venues::room(c, room_id)?))).await?;
    if room.venue_id != venue.id {
        return Err(AppError::NotFound);
    }
    Ok((venue, room))
}

fn room_view(lang: Lang, venue: &Venue, room: &Room, form: &RoomForm, errors: &FieldErrors) -> FormView {
    FormView {
        heading: i18n::t_with(lang, "room.edit_title", &[("room", &room.name), ("venue", &venue.name)]),
        form: RecordForm::new(
            lang,
            format!("/venues/{}/rooms/{}", venue.id, room.id),
            Some(&format!("/venues/{}", venue.id)),
            form.fields(lang),
            errors,
        ),
    }
}

pub async fn room_form(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (venue_id, room_id) = path.into_inner();
    let (venue, room) = room_of(&state, venue_id, room_id).await?;
    let view = room_view(page.lang, &venue, &room, &RoomForm::of(&room), &FieldErrors::default());
    page.with_title(view.heading.clone()).render("resources/form", &view)
}

pub async fn update_room(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (venue_id, room_id) = path.into_inner();
    let (venue, room) = room_of(&state, venue_id, room_id).await?;
    let form = RoomForm::read(fields.into_inner());
    let errors = match form.validate(page.lang, venue_id) {
        Ok(input) => {
            let actor = user.actor();
            match state.db(move |c| venues::update_room(c, &actor, room_id, &input)).await {
                Ok(()) => {
                    page.flash("success", "common.saved");
                    return Ok(see_other(&format!("/venues/{venue_id}")));
                }
                Err(AppError::Conflict(key)) => {
                    let mut errors = FieldErrors::default();
                    errors.add(page.lang, "name", key);
                    errors
                }
                Err(e) => return Err(e),
            }
        }
        Err(errors) => errors,
    };
    let view = room_view(page.lang, &venue, &room, &form, &errors);
    page.with_title(view.heading.clone()).render_status(StatusCode::UNPROCESSABLE_ENTITY, "resources/form", &view)
}
