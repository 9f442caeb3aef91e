//! Integration tests: each test spawns the real server on port 0 with its own database (a
//! temporary SQLite file, or a fresh PostgreSQL database when BOIDUONG_TEST_PG_URL is set) and
//! drives it over HTTP. One test binary for all features, because every binary under tests/
//! links the whole application.

mod helpers;

mod accounts;
mod api;
mod attendance;
mod audit;
mod auth;
mod browser;
mod calendar;
mod certificates;
mod classes;
mod confirmations;
mod enrolment;
mod import;
mod mail;
mod orgs;
mod people;
mod portal;
mod programs;
mod readiness;
mod remembered;
mod reports;
mod results;
mod schedule_store;
mod security;
mod settings;
mod smtp;
mod startup;
