//! `T_WC_SERVER_VARIABLE`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_SERVER_VARIABLE")]
pub struct Model {
    #[sea_orm(primary_key, column_name = "ID_SERVER_VARIABLE")]
    pub id_server_variable: i32,
    #[sea_orm(column_name = "DESCRIPTION")]
    pub description: Option<String>,
    #[sea_orm(column_name = "VAR_NAME")]
    pub var_name: Option<String>,
    #[sea_orm(column_name = "VAR_VALUE")]
    pub var_value: Option<String>,
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
    #[sea_orm(column_name = "LONG_DESC")]
    pub long_desc: Option<String>,
    #[sea_orm(column_name = "MOT_CLE")]
    pub mot_cle: Option<String>,
    #[sea_orm(column_name = "MOT_CLE_AUTO")]
    pub mot_cle_auto: Option<String>,
    #[sea_orm(column_name = "ID_LANG")]
    pub id_lang: Option<i32>,
    #[sea_orm(column_name = "ID_USER_UPDATED")]
    pub id_user_updated: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
