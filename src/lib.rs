//! Boiduong: courses, attendance, results and certificates for a provincial political school.
//! See README.md for how to run it and ARCHITECTURE.md for how it is built.

pub mod bootstrap;
pub mod cli;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod db;
pub mod demo;
pub mod domain;
pub mod export;
pub mod i18n;
pub mod import;
pub mod mail;
pub mod pdf;
pub mod qr;
pub mod render;
pub mod startup;
pub mod store;
pub mod web;
