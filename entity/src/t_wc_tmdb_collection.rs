//! `T_WC_TMDB_COLLECTION`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_COLLECTION")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_COLLECTION")]
    pub id_collection: i32,
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
    #[sea_orm(column_name = "TIM_CREDITS_COMPLETED")]
    pub tim_credits_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_CREDITS_DOWNLOADED")]
    pub tim_credits_downloaded: Option<DateTime>,
    #[sea_orm(column_name = "TIM_IMAGES_COMPLETED")]
    pub tim_images_completed: Option<DateTime>,
    #[sea_orm(column_name = "USED_FOR_SIMILARITY")]
    pub used_for_similarity: Option<i32>,
    #[sea_orm(column_name = "ID_WIKIDATA")]
    pub id_wikidata: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
