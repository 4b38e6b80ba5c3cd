//! `T_WC_TMDB_SERIE`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_SERIE")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_SERIE")]
    pub id_serie: i32,
    #[sea_orm(column_name = "TITLE")]
    pub title: Option<String>,
    #[sea_orm(column_name = "FIRST_AIR_YEAR")]
    pub first_air_year: Option<i32>,
    #[sea_orm(column_name = "FIRST_AIR_MONTH")]
    pub first_air_month: Option<i32>,
    #[sea_orm(column_name = "FIRST_AIR_DAY")]
    pub first_air_day: Option<i32>,
    #[sea_orm(column_name = "DAT_FIRST_AIR")]
    pub dat_first_air: Option<Date>,
    #[sea_orm(column_name = "LAST_AIR_YEAR")]
    pub last_air_year: Option<i32>,
    #[sea_orm(column_name = "LAST_AIR_MONTH")]
    pub last_air_month: Option<i32>,
    #[sea_orm(column_name = "LAST_AIR_DAY")]
    pub last_air_day: Option<i32>,
    #[sea_orm(column_name = "DAT_LAST_AIR")]
    pub dat_last_air: Option<Date>,
    #[sea_orm(column_name = "ID_IMDB")]
    pub id_imdb: Option<String>,
    #[sea_orm(column_name = "ID_WIKIDATA")]
    pub id_wikidata: Option<String>,
    #[sea_orm(column_name = "ID_TVDB")]
    pub id_tvdb: Option<i32>,
    #[sea_orm(column_name = "OVERVIEW")]
    pub overview: Option<String>,
    #[sea_orm(column_name = "POSTER_PATH")]
    pub poster_path: Option<String>,
    #[sea_orm(column_name = "HOMEPAGE_URL")]
    pub homepage_url: Option<String>,
    #[sea_orm(column_name = "ORIGINAL_TITLE")]
    pub original_title: Option<String>,
    #[sea_orm(column_name = "POPULARITY")]
    pub popularity: Option<f64>,
    #[sea_orm(column_name = "ORIGINAL_LANGUAGE")]
    pub original_language: Option<String>,
    #[sea_orm(column_name = "ADULT")]
    pub adult: Option<i32>,
    #[sea_orm(column_name = "STATUS")]
    pub status: Option<String>,
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
    #[sea_orm(column_name = "GENRES")]
    pub genres: Option<String>,
    #[sea_orm(column_name = "BACKDROP_PATH")]
    pub backdrop_path: Option<String>,
    #[sea_orm(column_name = "TAGLINE")]
    pub tagline: Option<String>,
    #[sea_orm(column_name = "VOTE_AVERAGE")]
    pub vote_average: Option<f64>,
    #[sea_orm(column_name = "VOTE_COUNT")]
    pub vote_count: Option<i32>,
    #[sea_orm(column_name = "TIM_CREDITS_COMPLETED")]
    pub tim_credits_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_KEYWORDS_COMPLETED")]
    pub tim_keywords_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_WIKIDATA_COMPLETED")]
    pub tim_wikidata_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_WIKIPEDIA_COMPLETED")]
    pub tim_wikipedia_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_IMAGES_COMPLETED")]
    pub tim_images_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_VIDEOS_COMPLETED")]
    pub tim_videos_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_WATCH_PROVIDERS_COMPLETED")]
    pub tim_watch_providers_completed: Option<DateTime>,
    #[sea_orm(column_name = "COUNTRIES")]
    pub countries: Option<String>,
    #[sea_orm(column_name = "SPOKEN_LANGUAGES")]
    pub spoken_languages: Option<String>,
    #[sea_orm(column_name = "NUMBER_OF_EPISODES")]
    pub number_of_episodes: Option<i32>,
    #[sea_orm(column_name = "NUMBER_OF_SEASONS")]
    pub number_of_seasons: Option<i32>,
    #[sea_orm(column_name = "SERIE_TYPE")]
    pub serie_type: Option<String>,
    #[sea_orm(column_name = "TIM_SEASONS_COMPLETED")]
    pub tim_seasons_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_EPISODES_COMPLETED")]
    pub tim_episodes_completed: Option<DateTime>,
    #[sea_orm(column_name = "IN_PRODUCTION")]
    pub in_production: Option<i32>,
    #[sea_orm(column_name = "NEXT_EPISODE_DAT_AIR")]
    pub next_episode_dat_air: Option<Date>,
    #[sea_orm(column_name = "NEXT_EPISODE_SEASON_NUMBER")]
    pub next_episode_season_number: Option<i32>,
    #[sea_orm(column_name = "NEXT_EPISODE_NUMBER")]
    pub next_episode_number: Option<i32>,
    #[sea_orm(column_name = "LAST_EPISODE_DAT_AIR")]
    pub last_episode_dat_air: Option<Date>,
    #[sea_orm(column_name = "LAST_EPISODE_SEASON_NUMBER")]
    pub last_episode_season_number: Option<i32>,
    #[sea_orm(column_name = "LAST_EPISODE_NUMBER")]
    pub last_episode_number: Option<i32>,
    #[sea_orm(column_name = "TIM_LAST_CHANGES_CHECK")]
    pub tim_last_changes_check: Option<DateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
