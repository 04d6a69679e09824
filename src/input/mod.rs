//! The input-file layer: finding and reading input files safely ([`walk_files`],
//! [`read_regular`]), and everything that turns a position in a YAML file (`center.yaml`,
//! scenarios, flow-test files) into `file:line:col`. Field paths name the value at fault
//! ([`FieldPath`], [`show_path`]); [`locate`] and [`locate_field`] find a path's line and column
//! in the text; [`Locator`] finds keys, values and list items as byte ranges for the center
//! loader's spans; [`yaml_error_position`] reads serde_yaml's own syntax-error position.
//!
//! Two locators remain (by path, and by region for spans); merging them is noted in
//! ARCHITECTURE.md as known work.

mod csv_table;
mod field_path;
mod files;
mod yaml_field;
mod yaml_locate;
mod yaml_region;

pub use csv_table::{Cell, CsvTable};
pub use field_path::{FieldPath, Seg, child, index, show, show_path, write_place};
pub use files::{read_regular, walk_files};
pub use yaml_field::{item_lines, locate_field};
pub use yaml_locate::{locate, yaml_error_position};
pub use yaml_region::{KeyHit, Locator, Region};
