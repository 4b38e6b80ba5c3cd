//! `T_WC_TMDB_PERSON`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_PERSON")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_PERSON")]
    pub id_person: i32,
    #[sea_orm(column_name = "NAME")]
    pub name: Option<String>,
    #[sea_orm(column_name = "ID_IMDB")]
    pub id_imdb: Option<String>,
    #[sea_orm(column_name = "ID_WIKIDATA")]
    pub id_wikidata: Option<String>,
    #[sea_orm(column_name = "BIOGRAPHY")]
    pub biography: Option<String>,
    #[sea_orm(column_name = "BIRTHDAY")]
    pub birthday: Option<DateTime>,
    #[sea_orm(column_name = "DEATHDAY")]
    pub deathday: Option<DateTime>,
    #[sea_orm(column_name = "BIRTH_DAY")]
    pub birth_day: Option<i32>,
    #[sea_orm(column_name = "BIRTH_MONTH")]
    pub birth_month: Option<i32>,
    #[sea_orm(column_name = "BIRTH_YEAR")]
    pub birth_year: Option<i32>,
    #[sea_orm(column_name = "DEATH_DAY")]
    pub death_day: Option<i32>,
    #[sea_orm(column_name = "DEATH_MONTH")]
    pub death_month: Option<i32>,
    #[sea_orm(column_name = "DEATH_YEAR")]
    pub death_year: Option<i32>,
    #[sea_orm(column_name = "GENDER")]
    pub gender: Option<i32>,
    #[sea_orm(column_name = "PROFILE_PATH")]
    pub profile_path: Option<String>,
    #[sea_orm(column_name = "HOMEPAGE_URL")]
    pub homepage_url: Option<String>,
    #[sea_orm(column_name = "PLACE_OF_BIRTH")]
    pub place_of_birth: Option<String>,
    #[sea_orm(column_name = "COUNTRY_OF_BIRTH_LONG")]
    pub country_of_birth_long: Option<String>,
    #[sea_orm(column_name = "COUNTRY_OF_BIRTH")]
    pub country_of_birth: Option<String>,
    #[sea_orm(column_name = "POPULARITY")]
    pub popularity: Option<f64>,
    #[sea_orm(column_name = "KNOWN_FOR_DEPARTMENT")]
    pub known_for_department: Option<String>,
    #[sea_orm(column_name = "ADULT")]
    pub adult: Option<i32>,
    #[sea_orm(column_name = "ALSO_KNOWN_AS")]
    pub also_known_as: Option<String>,
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
    #[sea_orm(column_name = "TIM_WIKIDATA_COMPLETED")]
    pub tim_wikidata_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_IMAGES_COMPLETED")]
    pub tim_images_completed: Option<DateTime>,
    #[sea_orm(column_name = "USED_FOR_SIMILARITY")]
    pub used_for_similarity: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
