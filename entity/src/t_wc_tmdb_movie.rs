//! `T_WC_TMDB_MOVIE`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_MOVIE")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_name = "ID_MOVIE")]
    pub id_movie: i32,
    #[sea_orm(column_name = "TITLE")]
    pub title: Option<String>,
    #[sea_orm(column_name = "DAT_RELEASE")]
    pub dat_release: Option<Date>,
    #[sea_orm(column_name = "RELEASE_YEAR")]
    pub release_year: Option<i32>,
    #[sea_orm(column_name = "RELEASE_MONTH")]
    pub release_month: Option<i32>,
    #[sea_orm(column_name = "RELEASE_DAY")]
    pub release_day: Option<i32>,
    #[sea_orm(column_name = "ID_IMDB")]
    pub id_imdb: Option<String>,
    #[sea_orm(column_name = "ID_WIKIDATA")]
    pub id_wikidata: Option<String>,
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
    #[sea_orm(column_name = "ID_COLLECTION")]
    pub id_collection: Option<i32>,
    #[sea_orm(column_name = "BUDGET")]
    pub budget: Option<f64>,
    #[sea_orm(column_name = "RUNTIME")]
    pub runtime: Option<i32>,
    #[sea_orm(column_name = "BACKDROP_PATH")]
    pub backdrop_path: Option<String>,
    #[sea_orm(column_name = "REVENUE")]
    pub revenue: Option<f64>,
    #[sea_orm(column_name = "TAGLINE")]
    pub tagline: Option<String>,
    #[sea_orm(column_name = "VIDEO")]
    pub video: Option<i32>,
    #[sea_orm(column_name = "VOTE_AVERAGE")]
    pub vote_average: Option<f64>,
    #[sea_orm(column_name = "VOTE_COUNT")]
    pub vote_count: Option<i32>,
    #[sea_orm(column_name = "COUNTRIES")]
    pub countries: Option<String>,
    #[sea_orm(column_name = "SPOKEN_LANGUAGES")]
    pub spoken_languages: Option<String>,
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
    #[sea_orm(column_name = "TIM_RELEASE_DATES_COMPLETED")]
    pub tim_release_dates_completed: Option<DateTime>,
    #[sea_orm(column_name = "TIM_WATCH_PROVIDERS_COMPLETED")]
    pub tim_watch_providers_completed: Option<DateTime>,
    #[sea_orm(column_name = "WIKIPEDIA_FORMAT_LINE")]
    pub wikipedia_format_line: Option<String>,
    #[sea_orm(column_name = "DAT_WIKIPEDIA_FORMAT_LINE")]
    pub dat_wikipedia_format_line: Option<DateTime>,
    #[sea_orm(column_name = "IS_COLOR")]
    pub is_color: Option<i32>,
    #[sea_orm(column_name = "IS_BLACK_AND_WHITE")]
    pub is_black_and_white: Option<i32>,
    #[sea_orm(column_name = "IS_SILENT")]
    pub is_silent: Option<i32>,
    #[sea_orm(column_name = "IS_3D")]
    pub is_3d: Option<i32>,
    #[sea_orm(column_name = "COLOR_TECHNOLOGY")]
    pub color_technology: Option<String>,
    #[sea_orm(column_name = "FILM_TECHNOLOGY")]
    pub film_technology: Option<String>,
    #[sea_orm(column_name = "ASPECT_RATIO")]
    pub aspect_ratio: Option<String>,
    #[sea_orm(column_name = "FILM_FORMAT")]
    pub film_format: Option<String>,
    #[sea_orm(column_name = "SOUND_SYSTEM")]
    pub sound_system: Option<String>,
    #[sea_orm(column_name = "NUM_AUDIO_TRACKS")]
    pub num_audio_tracks: Option<i32>,
    #[sea_orm(column_name = "IS_VALID_FORMAT")]
    pub is_valid_format: Option<i32>,
    #[sea_orm(column_name = "IS_MOVIE")]
    pub is_movie: Option<i32>,
    #[sea_orm(column_name = "IS_DOCUMENTARY")]
    pub is_documentary: Option<i32>,
    #[sea_orm(column_name = "IS_SHORT_FILM")]
    pub is_short_film: Option<i32>,
    #[sea_orm(column_name = "SOUND_TECHNOLOGY")]
    pub sound_technology: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
