//! `T_WC_TMDB_TV_SERIE_ID_IMPORT`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_TV_SERIE_ID_IMPORT")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "id")]
    pub id: i32,
    #[sea_orm(column_name = "original_name")]
    pub original_name: Option<String>,
    #[sea_orm(column_name = "popularity")]
    pub popularity: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
