//! Boiduong: courses, attendance, results and certificates for a provincial political school.
//! See README.md for how to run it and ../DESIGN notes in the module docs for how it is built.

pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod mail;
pub mod pdf;
pub mod qr;
pub mod startup;
pub mod store;
pub mod web;
