//! Reading rows back from any backend for comparisons, with values normalised to [`Cell`].

#![allow(dead_code)]

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, Statement, Value};

use super::db::{Backend, TestDb};

/// A column value as the tests compare it.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Cell {
    I(i64),
    F(f64),
    S(String),
    /// A date or datetime, as `YYYY-MM-DD[ HH:MM:SS]`.
    D(String),
    Null,
}

impl Cell {
    pub fn s(v: &str) -> Cell {
        Cell::S(v.to_owned())
    }

    /// A JSON string, or NULL for null/absent.
    pub fn json_str(v: &serde_json::Value) -> Cell {
        v.as_str().map_or(Cell::Null, Cell::s)
    }

    pub fn json_int(v: &serde_json::Value) -> Cell {
        v.as_i64()
            .or_else(|| v.as_f64().map(|f| f as i64))
            .map_or(Cell::Null, Cell::I)
    }

    pub fn json_f64(v: &serde_json::Value) -> Cell {
        v.as_f64().map_or(Cell::Null, Cell::F)
    }
}

/// How to read a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Int,
    Float,
    Text,
    Date,
    DateTime,
}

impl Hint {
    pub fn of(cell: &Cell) -> Hint {
        match cell {
            Cell::I(_) => Hint::Int,
            Cell::F(_) => Hint::Float,
            Cell::D(s) if s.len() > 10 => Hint::DateTime,
            Cell::D(_) => Hint::Date,
            Cell::S(_) | Cell::Null => Hint::Text,
        }
    }
}

pub fn quoted(backend: Backend, name: &str) -> String {
    match backend {
        Backend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

pub fn read(row: &QueryResult, i: usize, hint: Hint) -> Cell {
    let got = match hint {
        Hint::Int => row
            .try_get_by_index::<Option<i32>>(i)
            .map(|v| v.map_or(Cell::Null, |v| Cell::I(i64::from(v)))),
        Hint::Float => row
            .try_get_by_index::<Option<f64>>(i)
            .map(|v| v.map_or(Cell::Null, Cell::F)),
        Hint::Text => row
            .try_get_by_index::<Option<String>>(i)
            .map(|v| v.map_or(Cell::Null, Cell::S)),
        Hint::Date => row
            .try_get_by_index::<Option<chrono::NaiveDate>>(i)
            .map(|v| v.map_or(Cell::Null, |d| Cell::D(d.to_string()))),
        Hint::DateTime => row
            .try_get_by_index::<Option<chrono::NaiveDateTime>>(i)
            .map(|v| {
                v.map_or(Cell::Null, |d| {
                    Cell::D(d.format("%Y-%m-%d %H:%M:%S").to_string())
                })
            }),
    };
    got.unwrap_or_else(|e| panic!("column {i} as {hint:?}: {e}"))
}

/// Rows of `table` where `column = id`, the given columns read with the given hints.
pub async fn rows_where(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    column: &str,
    id: i64,
    columns: &[(&str, Hint)],
) -> Vec<BTreeMap<String, Cell>> {
    let list: Vec<String> = columns.iter().map(|(c, _)| quoted(db.backend, c)).collect();
    let placeholder = if db.backend == Backend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = {placeholder}",
        list.join(", "),
        quoted(db.backend, table),
        quoted(db.backend, column)
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            db.db_backend(),
            sql,
            [Value::Int(Some(id as i32))],
        ))
        .await
        .unwrap_or_else(|e| panic!("select {table}: {e}"));
    rows.iter()
        .map(|r| {
            columns
                .iter()
                .enumerate()
                .map(|(i, (c, h))| ((*c).to_owned(), read(r, i, *h)))
                .collect()
        })
        .collect()
}

/// Every row of `table`, the given columns read with the given hints, sorted.
pub async fn all_rows(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    columns: &[(&str, Hint)],
) -> Vec<Vec<Cell>> {
    let list: Vec<String> = columns.iter().map(|(c, _)| quoted(db.backend, c)).collect();
    let sql = format!(
        "SELECT {} FROM {}",
        list.join(", "),
        quoted(db.backend, table)
    );
    let rows = conn
        .query_all_raw(Statement::from_string(db.db_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("select {table}: {e}"));
    let mut out: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            (0..columns.len())
                .map(|i| read(r, i, columns[i].1))
                .collect()
        })
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    out
}

/// Compares stored rows with expected rows (order-insensitive), reading the expected columns.
pub async fn assert_rows(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    column: &str,
    id: i64,
    expected: Vec<BTreeMap<String, Cell>>,
) {
    let Some(first) = expected.first() else {
        let got = rows_where(db, conn, table, column, id, &[(column, Hint::Int)]).await;
        assert!(
            got.is_empty(),
            "{table}: expected no rows for {id}, got {}",
            got.len()
        );
        return;
    };
    let columns: Vec<(&str, Hint)> = first
        .iter()
        .map(|(c, v)| (c.as_str(), Hint::of(v)))
        .collect();
    let mut got = rows_where(db, conn, table, column, id, &columns).await;
    let mut want = expected.clone();
    let key = |r: &BTreeMap<String, Cell>| format!("{r:?}");
    got.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(
        got.len(),
        want.len(),
        "{table} row count for {id} on {:?}",
        db.backend
    );
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "{table} row for {id} on {:?}", db.backend);
    }
}

/// Builds a row from (column, cell) pairs.
pub fn row(cells: Vec<(&str, Cell)>) -> BTreeMap<String, Cell> {
    cells.into_iter().map(|(c, v)| (c.to_owned(), v)).collect()
}

/// Cuts to `max` characters, as the columns hold text.
pub fn chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
