//! `T_WC_TMDB_ID_NOT_FOUND`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_ID_NOT_FOUND")]
pub struct Model {
    #[sea_orm(primary_key, column_name = "ID_ROW")]
    pub id_row: i32,
    #[sea_orm(column_name = "ENTITY_TYPE")]
    pub entity_type: String,
    #[sea_orm(column_name = "ID_ENTITY")]
    pub id_entity: i32,
    #[sea_orm(column_name = "ATTEMPT_COUNT")]
    pub attempt_count: Option<i32>,
    #[sea_orm(column_name = "TIM_FIRST_SEEN")]
    pub tim_first_seen: Option<DateTime>,
    #[sea_orm(column_name = "TIM_LAST_SEEN")]
    pub tim_last_seen: Option<DateTime>,
    #[sea_orm(column_name = "TIM_RETRY_AFTER")]
    pub tim_retry_after: Option<DateTime>,
    #[sea_orm(column_name = "LAST_CONTEXT")]
    pub last_context: Option<String>,
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
