//! Reads a MariaDB database's shape from information_schema, in the form of
//! `tests/fixtures/schema-2025-07.json` (the Python crawler's reference schema).

#![allow(dead_code)]

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub nullable: bool,
    pub extra: String,
    pub default: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Index {
    /// Column names, with the prefix length as `NAME(768)` when there is one.
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Table {
    pub engine: String,
    pub collation: String,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub indexes: BTreeMap<String, Index>,
}

#[derive(Debug, Deserialize)]
struct Reference {
    tables: BTreeMap<String, Table>,
}

/// The 2025-07 schema of the Python crawler.
pub fn reference() -> BTreeMap<String, Table> {
    load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schema-2025-07.json"
    ))
}

/// The 2026-08 schema of the Python crawler: what `migrate up` builds.
pub fn current() -> BTreeMap<String, Table> {
    load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schema-2026-08.json"
    ))
}

fn load(path: &str) -> BTreeMap<String, Table> {
    let text = std::fs::read_to_string(path).expect("read schema fixture");
    let schema: Reference = serde_json::from_str(&text).expect("parse schema fixture");
    schema.tables
}

async fn rows(db: &DatabaseConnection, sql: &str, schema: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_sql_and_values(
        DbBackend::MySql,
        sql,
        [schema.into()],
    ))
    .await
    .expect("query information_schema")
}

fn text(row: &sea_orm::QueryResult, col: &str) -> String {
    row.try_get::<Option<String>>("", col)
        .expect("information_schema column")
        .unwrap_or_else(|| "NULL".to_owned())
}

/// Every `T_WC_*` table of `schema`.
pub async fn read(db: &DatabaseConnection, schema: &str) -> BTreeMap<String, Table> {
    let mut tables = BTreeMap::new();
    for row in rows(
        db,
        "SELECT CAST(TABLE_NAME AS CHAR) AS t, CAST(ENGINE AS CHAR) AS e, CAST(TABLE_COLLATION AS CHAR) AS c \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 'T\\_WC\\_%'",
        schema,
    )
    .await
    {
        tables.insert(
            text(&row, "t"),
            Table {
                engine: text(&row, "e"),
                collation: text(&row, "c"),
                columns: Vec::new(),
                primary_key: Vec::new(),
                indexes: BTreeMap::new(),
            },
        );
    }
    for row in rows(
        db,
        "SELECT CAST(TABLE_NAME AS CHAR) AS t, CAST(COLUMN_NAME AS CHAR) AS n, CAST(COLUMN_TYPE AS CHAR) AS ty, \
         CAST(IS_NULLABLE AS CHAR) AS nl, CAST(EXTRA AS CHAR) AS ex, CAST(COLUMN_DEFAULT AS CHAR) AS df \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 'T\\_WC\\_%' \
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
        schema,
    )
    .await
    {
        if let Some(table) = tables.get_mut(&text(&row, "t")) {
            table.columns.push(Column {
                name: text(&row, "n"),
                ty: text(&row, "ty"),
                nullable: text(&row, "nl") == "YES",
                extra: text(&row, "ex"),
                default: text(&row, "df"),
            });
        }
    }
    for row in rows(
        db,
        "SELECT CAST(TABLE_NAME AS CHAR) AS t, CAST(INDEX_NAME AS CHAR) AS i, CAST(COLUMN_NAME AS CHAR) AS c, \
         CAST(SUB_PART AS CHAR) AS sp, CAST(NON_UNIQUE AS CHAR) AS nu \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 'T\\_WC\\_%' \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        schema,
    )
    .await
    {
        let Some(table) = tables.get_mut(&text(&row, "t")) else {
            continue;
        };
        let column = text(&row, "c");
        let index = text(&row, "i");
        if index == "PRIMARY" {
            table.primary_key.push(column);
            continue;
        }
        let sub_part = text(&row, "sp");
        let column = if sub_part == "NULL" {
            column
        } else {
            format!("{column}({sub_part})")
        };
        table
            .indexes
            .entry(index)
            .or_insert_with(|| Index {
                columns: Vec::new(),
                unique: text(&row, "nu") == "0",
            })
            .columns
            .push(column);
    }
    tables
}

/// Human-readable differences between two schemas (empty when equal).
pub fn differences(
    expected: &BTreeMap<String, Table>,
    actual: &BTreeMap<String, Table>,
) -> Vec<String> {
    let mut out = Vec::new();
    for name in expected.keys().filter(|n| !actual.contains_key(*n)) {
        out.push(format!("missing table {name}"));
    }
    for name in actual.keys().filter(|n| !expected.contains_key(*n)) {
        out.push(format!("unexpected table {name}"));
    }
    for (name, want) in expected {
        let Some(got) = actual.get(name) else {
            continue;
        };
        if want.engine != got.engine {
            out.push(format!("{name}: engine {} != {}", want.engine, got.engine));
        }
        if want.collation != got.collation {
            out.push(format!(
                "{name}: collation {} != {}",
                want.collation, got.collation
            ));
        }
        if want.primary_key != got.primary_key {
            out.push(format!(
                "{name}: primary key {:?} != {:?}",
                want.primary_key, got.primary_key
            ));
        }
        if want.columns.len() != got.columns.len() {
            out.push(format!(
                "{name}: {} columns != {}",
                want.columns.len(),
                got.columns.len()
            ));
        }
        for (i, (w, g)) in want.columns.iter().zip(&got.columns).enumerate() {
            if w != g {
                out.push(format!("{name}: column #{} {w:?} != {g:?}", i + 1));
            }
        }
        for (index, w) in &want.indexes {
            match got.indexes.get(index) {
                None => out.push(format!("{name}: missing index {index}")),
                Some(g) if g != w => out.push(format!("{name}: index {index} {w:?} != {g:?}")),
                Some(_) => {}
            }
        }
        for index in got
            .indexes
            .keys()
            .filter(|i| !want.indexes.contains_key(*i))
        {
            out.push(format!("{name}: unexpected index {index}"));
        }
    }
    out
}
