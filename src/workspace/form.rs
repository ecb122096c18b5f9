//! The facts file as a form: groups in the file's top-level order, each labelled by the comment
//! heading above it, every fact a field typed by the figure declarations and the fact's shape.

use serde::Serialize;

use crate::error::Error;
use crate::project::Project;

/// One year's facts file as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub year: i64,
    /// The facts file's path as shown to the clerk (relative to the project).
    pub facts_file: String,
    /// SHA-256 of the file's bytes, in hex: the page sends it back with an edit.
    pub sha256: String,
    pub groups: Vec<Group>,
    /// Problems not tied to one field.
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: String,
    /// The comment heading before the group (`一、强化政治引领…`), else the key.
    pub label: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The fact path: `organisation.branches_qualified`, `political.party_funds.2021`,
    /// `organisation.training_classes.0.trainees`.
    pub path: String,
    /// The line's Chinese comment, else the figure's label, else the key.
    pub label: String,
    pub kind: FieldKind,
    /// The value's text exactly as in the file ("" when empty).
    pub raw: String,
    pub last_year: Option<String>,
    pub unfilled: bool,
    pub carried_over: bool,
    pub problems: Vec<Problem>,
    /// Ids of the figures that read it.
    pub figures: Vec<String>,
    /// For a part: the percentage it gives, as printed.
    pub percent: Option<String>,
    /// For lists of records, series and maps of counts.
    pub children: Vec<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A whole number ≥ 0.
    Count,
    /// A number with a fraction (a reported rate).
    Decimal,
    /// A part or a whole of a percentage.
    PartWhole,
    /// A yearly series (`2019: 286`); its years are the children.
    Series,
    /// A list of names (flow or block list).
    Names,
    /// One name.
    Name,
    /// Any other text.
    Text,
    /// true / false.
    Flag,
    /// A list of records (`- name: … trainees: 214`); each record's values are the children.
    Records,
    /// A map of values (`stars: three: 148 …`); its values are the children.
    Group,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// "error" | "warning"
    pub severity: String,
    pub code: String,
    /// check's words, in Chinese.
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// The form for `year`'s facts file.
pub fn form(project: &Project, year: i64) -> Result<Form, Error> {
    let _ = project;
    Err(Error::Internal(format!(
        "workspace::form（{year}）尚未实现"
    )))
}
