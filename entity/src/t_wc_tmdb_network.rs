//! `T_WC_TMDB_NETWORK`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_NETWORK")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_NETWORK")]
    pub id_network: i32,
    #[sea_orm(column_name = "NAME")]
    pub name: Option<String>,
    #[sea_orm(column_name = "LOGO_PATH")]
    pub logo_path: Option<String>,
    #[sea_orm(column_name = "HOMEPAGE_URL")]
    pub homepage_url: Option<String>,
    #[sea_orm(column_name = "HEADQUARTERS")]
    pub headquarters: Option<String>,
    #[sea_orm(column_name = "ORIGIN_COUNTRY")]
    pub origin_country: Option<String>,
    #[sea_orm(column_name = "ID_PARENT")]
    pub id_parent: Option<i32>,
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
    #[sea_orm(column_name = "SERIE_COUNT")]
    pub serie_count: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
