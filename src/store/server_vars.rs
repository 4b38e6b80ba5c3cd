//! `T_WC_SERVER_VARIABLE`: the Python crawler's progress and monitoring variables, same names.
//!
//! The table has no unique key on `VAR_NAME`, so a write updates the live (`DELETED = 0`) rows
//! of that name, or inserts one when there is none, exactly as the Python crawler did; a read
//! takes the first live row. Values are strings; timestamps are naive local times in the
//! configured time zone.

use chrono::{NaiveDateTime, Utc};
use chrono_tz::Tz;
use entity::t_wc_server_variable as sv;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

/// Local wall-clock time in `tz`, as the Python crawler stored it (no offset).
pub fn local_now(tz: Tz) -> NaiveDateTime {
    Utc::now().with_timezone(&tz).naive_local()
}

/// `YYYY-MM-DD HH:MM:SS`, the format of every datetime variable.
pub fn format_datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The first live value of `name`, if any.
pub async fn get<C: ConnectionTrait>(db: &C, name: &str) -> Result<Option<String>, DbErr> {
    let row = sv::Entity::find()
        .filter(sv::Column::Deleted.eq(0))
        .filter(sv::Column::VarName.eq(name))
        .order_by_asc(sv::Column::IdServerVariable)
        .one(db)
        .await?;
    Ok(row.map(|r| r.var_value.unwrap_or_default()))
}

/// Sets `name` to `value` (longer than the column's 255 characters: its first 252 and `...`, as
/// the 2026 Python crawler stores it), with `long_desc` as the human-readable explanation.
/// `VAR_VALUE` is `varchar(255)`: a longer value keeps 252 characters and ends with `...`, so a
/// reader sees that it was cut.
pub fn fit_value(value: &str) -> String {
    if value.chars().count() <= 255 {
        return value.to_owned();
    }
    let mut cut: String = value.chars().take(252).collect();
    cut.push_str("...");
    cut
}

pub async fn set<C: ConnectionTrait>(
    db: &C,
    tz: Tz,
    name: &str,
    value: &str,
    long_desc: &str,
) -> Result<(), DbErr> {
    let now = local_now(tz);
    let value = fit_value(value);
    // Look first: MariaDB reports 0 affected rows for an UPDATE that changes nothing.
    let exists = sv::Entity::find()
        .filter(sv::Column::Deleted.eq(0))
        .filter(sv::Column::VarName.eq(name))
        .one(db)
        .await?
        .is_some();
    if exists {
        sv::Entity::update_many()
            .col_expr(sv::Column::VarValue, Expr::value(value.clone()))
            .col_expr(sv::Column::Description, Expr::value(name.to_owned()))
            .col_expr(sv::Column::LongDesc, Expr::value(long_desc.to_owned()))
            .col_expr(sv::Column::IdLang, Expr::value(0))
            .col_expr(sv::Column::TimUpdated, Expr::value(now))
            .filter(sv::Column::Deleted.eq(0))
            .filter(sv::Column::VarName.eq(name))
            .exec(db)
            .await?;
    } else {
        sv::ActiveModel {
            description: Set(Some(name.to_owned())),
            var_name: Set(Some(name.to_owned())),
            var_value: Set(Some(value)),
            deleted: Set(Some(0)),
            id_creator: Set(Some(1)),
            dat_creat: Set(Some(now.date())),
            id_owner: Set(Some(1)),
            tim_updated: Set(Some(now)),
            long_desc: Set(Some(long_desc.to_owned())),
            id_lang: Set(Some(0)),
            id_user_updated: Set(Some(1)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Every live variable whose name starts with `prefix`, sorted by name: (name, value, updated).
pub async fn all_with_prefix<C: ConnectionTrait>(
    db: &C,
    prefix: &str,
) -> Result<Vec<(String, String, Option<NaiveDateTime>)>, DbErr> {
    let rows = sv::Entity::find()
        .filter(sv::Column::Deleted.eq(0))
        .filter(sv::Column::VarName.starts_with(prefix))
        .order_by_asc(sv::Column::VarName)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.var_name.unwrap_or_default(),
                r.var_value.unwrap_or_default(),
                r.tim_updated,
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_over_255_characters_keeps_252_and_an_ellipsis() {
        assert_eq!(fit_value("1, 2, 3"), "1, 2, 3");
        let exact = "é".repeat(255);
        assert_eq!(fit_value(&exact), exact);
        let long = format!("{}xyz", "é".repeat(255));
        let fitted = fit_value(&long);
        assert_eq!(fitted.chars().count(), 255);
        assert!(fitted.starts_with(&"é".repeat(252)) && fitted.ends_with("..."));
    }
}
