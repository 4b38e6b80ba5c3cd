//! `T_WC_TMDB_LIST`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_LIST")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_LIST")]
    pub id_list: i32,
    #[sea_orm(column_name = "NAME")]
    pub name: Option<String>,
    #[sea_orm(column_name = "DESCRIPTION")]
    pub description: Option<String>,
    #[sea_orm(column_name = "POSTER_PATH")]
    pub poster_path: Option<String>,
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
    #[sea_orm(column_name = "USE_FOR_TAGGING")]
    pub use_for_tagging: Option<i32>,
    #[sea_orm(column_name = "USED_FOR_T2S_COLLECTION")]
    pub used_for_t2s_collection: Option<i32>,
    #[sea_orm(column_name = "USED_FOR_T2S_LIST")]
    pub used_for_t2s_list: Option<i32>,
    #[sea_orm(column_name = "SHORT_NAME")]
    pub short_name: Option<String>,
    #[sea_orm(column_name = "USED_FOR_SIMILARITY")]
    pub used_for_similarity: Option<i32>,
    #[sea_orm(column_name = "CREATED_BY")]
    pub created_by: Option<String>,
    #[sea_orm(column_name = "ID_LIST_TYPE")]
    pub id_list_type: Option<i32>,
    #[sea_orm(column_name = "ID_PROPERTY")]
    pub id_property: Option<String>,
    #[sea_orm(column_name = "ID_ITEM")]
    pub id_item: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
