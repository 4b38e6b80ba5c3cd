//! `T_WC_TMDB_MOVIE_ID_IMPORT`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_MOVIE_ID_IMPORT")]
pub struct Model {
    #[sea_orm(column_name = "adult")]
    pub adult: Option<bool>,
    #[sea_orm(primary_key, auto_increment = false, column_name = "id")]
    pub id: i32,
    #[sea_orm(column_name = "original_title")]
    pub original_title: Option<String>,
    #[sea_orm(column_name = "popularity")]
    pub popularity: Option<f64>,
    #[sea_orm(column_name = "video")]
    pub video: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
