//! `T_WC_TMDB_PERSON_MOVIE`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_PERSON_MOVIE")]
pub struct Model {
    #[sea_orm(primary_key, column_name = "ID_TMDB_PERSON_MOVIE")]
    pub id_tmdb_person_movie: i32,
    #[sea_orm(column_name = "ID_PERSON")]
    pub id_person: i32,
    #[sea_orm(column_name = "ID_MOVIE")]
    pub id_movie: i32,
    #[sea_orm(column_name = "ID_CREDIT")]
    pub id_credit: Option<String>,
    #[sea_orm(column_name = "CAST_CHARACTER")]
    pub cast_character: Option<String>,
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
    #[sea_orm(column_name = "CREDIT_TYPE")]
    pub credit_type: Option<String>,
    #[sea_orm(column_name = "CREW_DEPARTMENT")]
    pub crew_department: Option<String>,
    #[sea_orm(column_name = "CREW_JOB")]
    pub crew_job: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
