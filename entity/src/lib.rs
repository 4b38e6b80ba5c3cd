//! sea-orm entities for the `T_WC_*` tables the crawler reads or writes.
//!
//! Names are exact: table and column names are those of the 2026-08 schema the Migrator builds;
//! Rust field names are the column names in lower case. Tables that only other programs use have
//! no entity here.

pub mod t_wc_server_variable;
pub mod t_wc_tmdb_collection;
pub mod t_wc_tmdb_collection_id_import;
pub mod t_wc_tmdb_collection_image;
pub mod t_wc_tmdb_collection_lang;
pub mod t_wc_tmdb_company;
pub mod t_wc_tmdb_company_image;
pub mod t_wc_tmdb_id_not_found;
pub mod t_wc_tmdb_keyword;
pub mod t_wc_tmdb_keyword_id_import;
pub mod t_wc_tmdb_keyword_id_import_lang;
pub mod t_wc_tmdb_list;
pub mod t_wc_tmdb_movie;
pub mod t_wc_tmdb_movie_company;
pub mod t_wc_tmdb_movie_genre;
pub mod t_wc_tmdb_movie_id_import;
pub mod t_wc_tmdb_movie_image;
pub mod t_wc_tmdb_movie_keyword;
pub mod t_wc_tmdb_movie_lang;
pub mod t_wc_tmdb_movie_lemme;
pub mod t_wc_tmdb_movie_list;
pub mod t_wc_tmdb_movie_production_country;
pub mod t_wc_tmdb_movie_recommendation;
pub mod t_wc_tmdb_movie_release_date;
pub mod t_wc_tmdb_movie_similar;
pub mod t_wc_tmdb_movie_spoken_language;
pub mod t_wc_tmdb_movie_title;
pub mod t_wc_tmdb_movie_video;
pub mod t_wc_tmdb_movie_watch_provider;
pub mod t_wc_tmdb_network;
pub mod t_wc_tmdb_network_image;
pub mod t_wc_tmdb_person;
pub mod t_wc_tmdb_person_id_import;
pub mod t_wc_tmdb_person_image;
pub mod t_wc_tmdb_person_movie;
pub mod t_wc_tmdb_person_serie;
pub mod t_wc_tmdb_production_company_id_import;
pub mod t_wc_tmdb_serie;
pub mod t_wc_tmdb_serie_company;
pub mod t_wc_tmdb_serie_genre;
pub mod t_wc_tmdb_serie_image;
pub mod t_wc_tmdb_serie_keyword;
pub mod t_wc_tmdb_serie_lang;
pub mod t_wc_tmdb_serie_list;
pub mod t_wc_tmdb_serie_network;
pub mod t_wc_tmdb_serie_production_country;
pub mod t_wc_tmdb_serie_recommendation;
pub mod t_wc_tmdb_serie_similar;
pub mod t_wc_tmdb_serie_spoken_language;
pub mod t_wc_tmdb_serie_video;
pub mod t_wc_tmdb_serie_watch_provider;
pub mod t_wc_tmdb_tv_network_id_import;
pub mod t_wc_tmdb_tv_serie_id_import;
pub mod t_wc_tmdb_watch_provider;
pub mod t_wc_tmdb_watch_provider_catalog;
pub mod t_wc_tmdb_watch_provider_catalog_state;
pub mod t_wc_tmdb_watch_provider_region;

/// Every table that has an entity in this crate, by its exact name.
pub const TABLES_WITH_ENTITY: &[&str] = &[
    "T_WC_SERVER_VARIABLE",
    "T_WC_TMDB_COLLECTION",
    "T_WC_TMDB_COLLECTION_ID_IMPORT",
    "T_WC_TMDB_COLLECTION_IMAGE",
    "T_WC_TMDB_COLLECTION_LANG",
    "T_WC_TMDB_COMPANY",
    "T_WC_TMDB_COMPANY_IMAGE",
    "T_WC_TMDB_ID_NOT_FOUND",
    "T_WC_TMDB_KEYWORD",
    "T_WC_TMDB_KEYWORD_ID_IMPORT",
    "T_WC_TMDB_KEYWORD_ID_IMPORT_LANG",
    "T_WC_TMDB_LIST",
    "T_WC_TMDB_MOVIE",
    "T_WC_TMDB_MOVIE_COMPANY",
    "T_WC_TMDB_MOVIE_GENRE",
    "T_WC_TMDB_MOVIE_ID_IMPORT",
    "T_WC_TMDB_MOVIE_IMAGE",
    "T_WC_TMDB_MOVIE_KEYWORD",
    "T_WC_TMDB_MOVIE_LANG",
    "T_WC_TMDB_MOVIE_LEMME",
    "T_WC_TMDB_MOVIE_LIST",
    "T_WC_TMDB_MOVIE_PRODUCTION_COUNTRY",
    "T_WC_TMDB_MOVIE_RECOMMENDATION",
    "T_WC_TMDB_MOVIE_RELEASE_DATE",
    "T_WC_TMDB_MOVIE_SIMILAR",
    "T_WC_TMDB_MOVIE_SPOKEN_LANGUAGE",
    "T_WC_TMDB_MOVIE_TITLE",
    "T_WC_TMDB_MOVIE_VIDEO",
    "T_WC_TMDB_MOVIE_WATCH_PROVIDER",
    "T_WC_TMDB_NETWORK",
    "T_WC_TMDB_NETWORK_IMAGE",
    "T_WC_TMDB_PERSON",
    "T_WC_TMDB_PERSON_ID_IMPORT",
    "T_WC_TMDB_PERSON_IMAGE",
    "T_WC_TMDB_PERSON_MOVIE",
    "T_WC_TMDB_PERSON_SERIE",
    "T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT",
    "T_WC_TMDB_SERIE",
    "T_WC_TMDB_SERIE_COMPANY",
    "T_WC_TMDB_SERIE_GENRE",
    "T_WC_TMDB_SERIE_IMAGE",
    "T_WC_TMDB_SERIE_KEYWORD",
    "T_WC_TMDB_SERIE_LANG",
    "T_WC_TMDB_SERIE_LIST",
    "T_WC_TMDB_SERIE_NETWORK",
    "T_WC_TMDB_SERIE_PRODUCTION_COUNTRY",
    "T_WC_TMDB_SERIE_RECOMMENDATION",
    "T_WC_TMDB_SERIE_SIMILAR",
    "T_WC_TMDB_SERIE_SPOKEN_LANGUAGE",
    "T_WC_TMDB_SERIE_VIDEO",
    "T_WC_TMDB_SERIE_WATCH_PROVIDER",
    "T_WC_TMDB_TV_NETWORK_ID_IMPORT",
    "T_WC_TMDB_TV_SERIE_ID_IMPORT",
    "T_WC_TMDB_WATCH_PROVIDER",
    "T_WC_TMDB_WATCH_PROVIDER_CATALOG",
    "T_WC_TMDB_WATCH_PROVIDER_CATALOG_STATE",
    "T_WC_TMDB_WATCH_PROVIDER_REGION",
];
