//! Printable documents as PDF, rendered in process: the certificate (giấy chứng nhận) and the
//! lists of the attendance, results and certificate features (attendance sheet to sign,
//! attendance summary, bảng điểm, sổ cấp giấy chứng nhận).
//!
//! - `text`: the fonts, text measured by shaping it (rustybuzz, the copy krilla uses), wrapping.
//! - `layout`: pages, alignment, text placed on them, lines, page numbers. Everything is laid out
//!   into a list of drawing operations per page first and painted with krilla at the end, so
//!   "Trang n/N" knows N.
//! - `flow`: a cursor flowing down the pages, with a table that breaks across pages and repeats
//!   its header row.
//! - `parts`: what every Party document has: the heading (issuing body, "ĐẢNG CỘNG SẢN VIỆT NAM",
//!   place and date), the title, the signature blocks.
//! - `list`: one generic printable list; `certificate`: the certificate with its QR code.
//!
//! The font is the shipped Noto Serif subset (`assets/fonts/pdf/`), compiled into the binary so a
//! PDF never depends on the host's fonts; krilla embeds only the glyphs a document uses, with a
//! ToUnicode map so text can be searched and copied. Callers normalise text to NFC
//! (`domain::names::clean`) before it gets here; shaping renders decomposed marks correctly too.

pub mod certificate;
pub mod flow;
pub mod layout;
pub mod list;
pub mod parts;
pub mod text;

#[cfg(test)]
pub(crate) mod inspect;

pub use certificate::CertificateDoc;
pub use layout::{Align, Orientation};
pub use list::{Column, ListDocument, Table};
pub use parts::{Letterhead, Signer};
