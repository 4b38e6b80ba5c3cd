//! `T_WC_TMDB_COLLECTION_LANG` (no primary key in the schema; the entity key is (ID_COLLECTION, LANG)).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_COLLECTION_LANG")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_COLLECTION")]
    pub id_collection: i32,
    #[sea_orm(primary_key, auto_increment = false, column_name = "LANG")]
    pub lang: String,
    #[sea_orm(column_name = "NAME")]
    pub name: Option<String>,
    #[sea_orm(column_name = "OVERVIEW")]
    pub overview: Option<String>,
    #[sea_orm(column_name = "POSTER_PATH")]
    pub poster_path: Option<String>,
    #[sea_orm(column_name = "BACKDROP_PATH")]
    pub backdrop_path: Option<String>,
    #[sea_orm(column_name = "DELETED")]
    pub deleted: Option<i32>,
    #[sea_orm(column_name = "DISPLAY_ORDER")]
    pub display_order: Option<i32>,
    #[sea_orm(column_name = "ID_CREATOR")]
    pub id_creator: Option<i32>,
    #[sea_orm(column_name = "DAT_CREAT")]
    pub dat_creat: Option<Date>,
    #[sea_orm(column_name = "ID_OWNER")]
    pub id_owner: Option<i32>,
    #[sea_orm(column_name = "TIM_UPDATED")]
    pub tim_updated: Option<DateTime>,
    #[sea_orm(column_name = "ID_USER_UPDATED")]
    pub id_user_updated: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
