//! `T_WC_TMDB_KEYWORD_ID_IMPORT_LANG`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_KEYWORD_ID_IMPORT_LANG")]
pub struct Model {
    #[sea_orm(primary_key, column_name = "ID_ROW")]
    pub id_row: i32,
    #[sea_orm(column_name = "id")]
    pub id: Option<i32>,
    #[sea_orm(column_name = "LANG")]
    pub lang: Option<String>,
    #[sea_orm(column_name = "name")]
    pub name: Option<String>,
    #[sea_orm(column_name = "USE_FOR_TAGGING")]
    pub use_for_tagging: Option<i32>,
    #[sea_orm(column_name = "USED_FOR_SIMILARITY")]
    pub used_for_similarity: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
