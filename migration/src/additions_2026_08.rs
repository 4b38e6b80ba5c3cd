//! Tables added after the 2025-07 reference, transcribed from the 2026-08 schema of the later
//! Python crawler (`schema-2026-08.json`): column order, types, nullability, keys and index names
//! are exactly its MariaDB information_schema. Each table is created (or adopted) by its own
//! migration; tests compare it with `tests/fixtures/schema-2026-08-additions.json`.

use crate::schema::{SqlFile, TableDef, Type::*, ai, col, idx, p, req, uniq};

/// The not-found ledger: ids TMDb answered with `status_code 34`, and when to ask again.
/// Created by `m20260801_000001_create_id_not_found`.
pub const T_WC_TMDB_ID_NOT_FOUND: TableDef = TableDef {
    name: "T_WC_TMDB_ID_NOT_FOUND",
    file: SqlFile::Tmdb,
    primary_key: &["ID_ROW"],
    columns: &[
        ai("ID_ROW", Int(11)),
        req("ENTITY_TYPE", Varchar(20)),
        req("ID_ENTITY", Int(11)),
        col("ATTEMPT_COUNT", Int(11)),
        col("TIM_FIRST_SEEN", DateTime),
        col("TIM_LAST_SEEN", DateTime),
        col("TIM_RETRY_AFTER", DateTime),
        col("LAST_CONTEXT", Varchar(100)),
        col("DELETED", Int(5)),
        col("DISPLAY_ORDER", Int(5)),
        col("ID_CREATOR", Int(5)),
        col("DAT_CREAT", Date),
        col("ID_OWNER", Int(5)),
        col("TIM_UPDATED", DateTime),
        col("ID_USER_UPDATED", Int(5)),
    ],
    indexes: &[
        idx(
            "IDX_TMDB_ID_NOT_FOUND_RETRY",
            &[p("ENTITY_TYPE"), p("TIM_RETRY_AFTER")],
        ),
        uniq("UK_TMDB_ID_NOT_FOUND", &[p("ENTITY_TYPE"), p("ID_ENTITY")]),
    ],
};

/// Every table added after the 2025-07 reference, in migration order.
pub const TABLES: &[TableDef] = &[T_WC_TMDB_ID_NOT_FOUND];
