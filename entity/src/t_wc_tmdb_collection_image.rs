//! `T_WC_TMDB_COLLECTION_IMAGE`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_COLLECTION_IMAGE")]
pub struct Model {
    #[sea_orm(primary_key, column_name = "ID_ROW")]
    pub id_row: i32,
    #[sea_orm(column_name = "ID_COLLECTION")]
    pub id_collection: i32,
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
    #[sea_orm(column_name = "TYPE_IMAGE")]
    pub type_image: Option<String>,
    #[sea_orm(column_name = "LANG")]
    pub lang: Option<String>,
    #[sea_orm(column_name = "IMAGE_PATH")]
    pub image_path: Option<String>,
    #[sea_orm(column_name = "ASPECT_RATIO")]
    pub aspect_ratio: Option<f64>,
    #[sea_orm(column_name = "WIDTH")]
    pub width: Option<i32>,
    #[sea_orm(column_name = "HEIGHT")]
    pub height: Option<i32>,
    #[sea_orm(column_name = "VOTE_AVERAGE")]
    pub vote_average: Option<f64>,
    #[sea_orm(column_name = "VOTE_COUNT")]
    pub vote_count: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
