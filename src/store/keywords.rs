//! Process 12 as the 2026 Python crawler reworked it: the keyword export's names go into
//! `T_WC_TMDB_KEYWORD`, with no request to TMDb.
//!
//! A keyword is done once its row carries `TIM_CREDITS_COMPLETED`. Keywords of the export
//! without a row are inserted; rows not yet completed take the export's name and are stamped.
//! Both happen in one transaction, set-based (two statements whatever the export's size: the
//! first run copies about 90,000 keywords at once). Completed rows are never touched, so columns
//! other programs fill (`USE_FOR_TAGGING`, the Wikidata and T2S columns) stay theirs.

use chrono::NaiveDateTime;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

const KEYWORDS: &str = "T_WC_TMDB_KEYWORD";
const IMPORT: &str = "T_WC_TMDB_KEYWORD_ID_IMPORT";

/// What process 12 did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeywordNames {
    /// Keywords of the export that had no row.
    pub inserted: u64,
    /// Rows that existed without their completion stamp.
    pub completed: u64,
}

fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// Copies the names of the keyword export into `T_WC_TMDB_KEYWORD` (see the module).
pub async fn store_export_names(
    db: &DatabaseConnection,
    now: NaiveDateTime,
) -> Result<KeywordNames, DbErr> {
    let txn = db.begin().await?;
    let import_id = Expr::col((a(IMPORT), a("id")));
    let keyword_id = Expr::col((a(KEYWORDS), a("ID_KEYWORD")));
    let name_of_this_keyword = Query::select()
        .column((a(IMPORT), a("name")))
        .from(a(IMPORT))
        .and_where(import_id.clone().equals((a(KEYWORDS), a("ID_KEYWORD"))))
        .to_owned();
    let in_export = Query::select()
        .column((a(IMPORT), a("id")))
        .from(a(IMPORT))
        .and_where(import_id.clone().equals((a(KEYWORDS), a("ID_KEYWORD"))))
        .to_owned();
    let complete = Query::update()
        .table(a(KEYWORDS))
        .value(
            a("NAME"),
            Expr::SubQuery(None, Box::new(name_of_this_keyword.into())),
        )
        .value(a("TIM_CREDITS_COMPLETED"), now)
        .value(a("TIM_UPDATED"), now)
        .and_where(Expr::col((a(KEYWORDS), a("TIM_CREDITS_COMPLETED"))).is_null())
        .and_where(Expr::exists(in_export))
        .to_owned();
    let completed = txn.execute(&complete).await?.rows_affected();

    let stored = Query::select()
        .column((a(KEYWORDS), a("ID_KEYWORD")))
        .from(a(KEYWORDS))
        .and_where(keyword_id.equals((a(IMPORT), a("id"))))
        .to_owned();
    let new_rows = Query::select()
        .column((a(IMPORT), a("id")))
        .column((a(IMPORT), a("name")))
        .exprs([
            Expr::val(0),
            Expr::val(1),
            Expr::val(now.date()),
            Expr::val(1),
            Expr::val(now),
            Expr::val(1),
            Expr::val(now),
        ])
        .from(a(IMPORT))
        .and_where(Expr::exists(stored).not())
        .to_owned();
    let insert = Query::insert()
        .into_table(a(KEYWORDS))
        .columns([
            a("ID_KEYWORD"),
            a("NAME"),
            a("DELETED"),
            a("ID_CREATOR"),
            a("DAT_CREAT"),
            a("ID_OWNER"),
            a("TIM_UPDATED"),
            a("ID_USER_UPDATED"),
            a("TIM_CREDITS_COMPLETED"),
        ])
        .select_from(new_rows)
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .to_owned();
    let inserted = txn.execute(&insert).await?.rows_affected();
    txn.commit().await?;
    Ok(KeywordNames {
        inserted,
        completed,
    })
}
