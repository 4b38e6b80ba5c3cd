//! `T_WC_WIKIDATA_MOVIE`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_WIKIDATA_MOVIE")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_WIKIDATA")]
    pub id_wikidata: String,
    #[sea_orm(column_name = "ID_MOVIE")]
    pub id_movie: i32,
    #[sea_orm(column_name = "TITLE")]
    pub title: Option<String>,
    #[sea_orm(column_name = "DAT_RELEASE")]
    pub dat_release: Option<Date>,
    #[sea_orm(column_name = "ID_IMDB")]
    pub id_imdb: Option<String>,
    #[sea_orm(column_name = "ALIASES")]
    pub aliases: Option<String>,
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
    #[sea_orm(column_name = "CRAWLER_VERSION")]
    pub crawler_version: Option<i32>,
    #[sea_orm(column_name = "PLEX_MEDIA_KEY")]
    pub plex_media_key: Option<String>,
    #[sea_orm(column_name = "ID_CRITERION")]
    pub id_criterion: Option<i32>,
    #[sea_orm(column_name = "ID_CRITERION_SPINE")]
    pub id_criterion_spine: Option<i32>,
    #[sea_orm(column_name = "INSTANCE_OF")]
    pub instance_of: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
