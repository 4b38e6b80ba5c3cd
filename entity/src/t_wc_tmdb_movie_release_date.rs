//! `T_WC_TMDB_MOVIE_RELEASE_DATE`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_MOVIE_RELEASE_DATE")]
pub struct Model {
    #[sea_orm(primary_key, column_name = "ID_ROW")]
    pub id_row: i32,
    #[sea_orm(column_name = "ID_MOVIE")]
    pub id_movie: i32,
    #[sea_orm(column_name = "COUNTRY_CODE")]
    pub country_code: String,
    #[sea_orm(column_name = "LANG")]
    pub lang: Option<String>,
    #[sea_orm(column_name = "CERTIFICATION")]
    pub certification: Option<String>,
    #[sea_orm(column_name = "NOTE")]
    pub note: Option<String>,
    #[sea_orm(column_name = "RELEASE_DATE_RAW")]
    pub release_date_raw: Option<String>,
    #[sea_orm(column_name = "TIM_RELEASE")]
    pub tim_release: Option<DateTime>,
    #[sea_orm(column_name = "RELEASE_TYPE")]
    pub release_type: Option<i32>,
    #[sea_orm(column_name = "DESCRIPTORS_JSON")]
    pub descriptors_json: Option<String>,
    #[sea_orm(column_name = "COUNTRY_DISPLAY_ORDER")]
    pub country_display_order: Option<i32>,
    #[sea_orm(column_name = "DISPLAY_ORDER")]
    pub display_order: Option<i32>,
    #[sea_orm(column_name = "DELETED")]
    pub deleted: Option<i32>,
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
