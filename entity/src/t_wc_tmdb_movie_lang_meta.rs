//! `T_WC_TMDB_MOVIE_LANG_META`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "T_WC_TMDB_MOVIE_LANG_META")]
pub struct Model {
    #[sea_orm(primary_key, column_name = "ID_ROW")]
    pub id_row: i32,
    #[sea_orm(column_name = "ID_MOVIE")]
    pub id_movie: i32,
    #[sea_orm(column_name = "LANG")]
    pub lang: Option<String>,
    #[sea_orm(column_name = "YEAR_RELEASE")]
    pub year_release: Option<String>,
    #[sea_orm(column_name = "ORIGINAL_LANGUAGE")]
    pub original_language: Option<String>,
    #[sea_orm(column_name = "GENRES")]
    pub genres: Option<String>,
    #[sea_orm(column_name = "KEYWORDS")]
    pub keywords: Option<String>,
    #[sea_orm(column_name = "COLLECTION")]
    pub collection: Option<String>,
    #[sea_orm(column_name = "LISTS")]
    pub lists: Option<String>,
    #[sea_orm(column_name = "DIRECTORS")]
    pub directors: Option<String>,
    #[sea_orm(column_name = "WRITERS")]
    pub writers: Option<String>,
    #[sea_orm(column_name = "PRODUCERS")]
    pub producers: Option<String>,
    #[sea_orm(column_name = "EDITORS")]
    pub editors: Option<String>,
    #[sea_orm(column_name = "ART")]
    pub art: Option<String>,
    #[sea_orm(column_name = "CAMERA")]
    pub camera: Option<String>,
    #[sea_orm(column_name = "LIGHTNING")]
    pub lightning: Option<String>,
    #[sea_orm(column_name = "SOUND")]
    pub sound: Option<String>,
    #[sea_orm(column_name = "COSTUME_MAKEUP")]
    pub costume_makeup: Option<String>,
    #[sea_orm(column_name = "VISUAL_EFFECTS")]
    pub visual_effects: Option<String>,
    #[sea_orm(column_name = "CAST_TOP")]
    pub cast_top: Option<String>,
    #[sea_orm(column_name = "CREW_TOP")]
    pub crew_top: Option<String>,
    #[sea_orm(column_name = "TAGS")]
    pub tags: Option<String>,
    #[sea_orm(column_name = "OVERVIEW_LEMMA")]
    pub overview_lemma: Option<String>,
    #[sea_orm(column_name = "KEYWORDS_LEMMA")]
    pub keywords_lemma: Option<String>,
    #[sea_orm(column_name = "LISTS_LEMMA")]
    pub lists_lemma: Option<String>,
    #[sea_orm(column_name = "IMDB_RATING")]
    pub imdb_rating: Option<f64>,
    #[sea_orm(column_name = "IMDB_RATING_ADJUSTED")]
    pub imdb_rating_adjusted: Option<f64>,
    #[sea_orm(column_name = "TEXT_DOC")]
    pub text_doc: Option<String>,
    #[sea_orm(column_name = "TEXT_SBERT")]
    pub text_sbert: Option<String>,
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
    #[sea_orm(column_name = "IS_COLOR")]
    pub is_color: Option<i32>,
    #[sea_orm(column_name = "IS_BW")]
    pub is_bw: Option<i32>,
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
    #[sea_orm(column_name = "WIKIPEDIA_FORMAT_LINE")]
    pub wikipedia_format_line: Option<String>,
    #[sea_orm(column_name = "IS_MOVIE")]
    pub is_movie: Option<i32>,
    #[sea_orm(column_name = "IS_DOCUMENTARY")]
    pub is_documentary: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
