//! `T_WC_TMDB_WATCH_PROVIDER_CATALOG_STATE`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_WATCH_PROVIDER_CATALOG_STATE")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "CONTENT_TYPE")]
    pub content_type: String,
    #[sea_orm(column_name = "PROVIDER_COUNT")]
    pub provider_count: Option<i32>,
    #[sea_orm(column_name = "REGION_RELATION_COUNT")]
    pub region_relation_count: Option<i32>,
    #[sea_orm(column_name = "TIM_COMPLETED")]
    pub tim_completed: Option<DateTime>,
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
