//! `T_WC_TMDB_KEYWORD`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_KEYWORD")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_KEYWORD")]
    pub id_keyword: i32,
    #[sea_orm(column_name = "NAME")]
    pub name: Option<String>,
    #[sea_orm(column_name = "USE_FOR_TAGGING")]
    pub use_for_tagging: Option<i32>,
    #[sea_orm(column_name = "TIM_T2S_TOPIC_REFRESH")]
    pub tim_t2s_topic_refresh: Option<DateTime>,
    #[sea_orm(column_name = "USED_FOR_SIMILARITY")]
    pub used_for_similarity: Option<i32>,
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
    #[sea_orm(column_name = "MOVIE_COUNT")]
    pub movie_count: Option<i32>,
    #[sea_orm(column_name = "SERIE_COUNT")]
    pub serie_count: Option<i32>,
    #[sea_orm(column_name = "IS_EMPTY")]
    pub is_empty: Option<i32>,
    #[sea_orm(column_name = "IS_PERSON")]
    pub is_person: Option<i32>,
    #[sea_orm(column_name = "NAME_WORD_COUNT")]
    pub name_word_count: Option<i32>,
    #[sea_orm(column_name = "CLASSIFIER_CATEGORY")]
    pub classifier_category: Option<String>,
    #[sea_orm(column_name = "USED_FOR_T2S_TOPIC")]
    pub used_for_t2s_topic: Option<i32>,
    #[sea_orm(column_name = "ID_WIKIDATA")]
    pub id_wikidata: Option<String>,
    #[sea_orm(column_name = "WIKIDATA_LABEL")]
    pub wikidata_label: Option<String>,
    #[sea_orm(column_name = "CONFIDENCE")]
    pub confidence: Option<f64>,
    #[sea_orm(column_name = "TIM_WIKIPEDIA_SEARCH")]
    pub tim_wikipedia_search: Option<DateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
