-- tmdb-crawler: Wikipedia tables for MariaDB / MySQL.
--
-- For operators who create the schema by hand, e.g.
--   mariadb -u root tmdb < sql/Wikipedia-tables.sql
-- The same tables as `tmdb-crawler migrate up` builds (a test compares both). Run
-- `tmdb-crawler migrate up` afterwards: it adopts the existing tables and records the
-- migration as applied, without touching any row.

SET NAMES utf8mb4;

CREATE TABLE `T_WC_WIKIPEDIA_PAGE_LANG_SECTION` (
  `ID_ROW` int(11) NOT NULL,
  `ID_WIKIDATA` varchar(50) NOT NULL,
  `LANG` varchar(10) DEFAULT NULL,
  `ITEM_TYPE` varchar(20) DEFAULT NULL,
  `TITLE` varchar(300) DEFAULT NULL,
  `CONTENT` mediumtext DEFAULT NULL,
  `DELETED` int(5) DEFAULT NULL,
  `DISPLAY_ORDER` int(5) DEFAULT NULL,
  `ID_CREATOR` int(5) DEFAULT NULL,
  `DAT_CREAT` date DEFAULT NULL,
  `ID_OWNER` int(5) DEFAULT NULL,
  `TIM_UPDATED` datetime DEFAULT NULL,
  `ID_USER_UPDATED` int(5) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE `T_WC_WIKIPEDIA_PAGE_LANG_SECTION`
  ADD PRIMARY KEY (`ID_ROW`),
  ADD KEY `DAT_CREAT` (`DAT_CREAT`),
  ADD KEY `DELETED` (`DELETED`),
  ADD KEY `DISPLAY_ORDER` (`DISPLAY_ORDER`),
  ADD KEY `ID_CREATOR` (`ID_CREATOR`),
  ADD KEY `ID_OWNER` (`ID_OWNER`),
  ADD KEY `ID_USER_UPDATED` (`ID_USER_UPDATED`),
  ADD KEY `ID_WIKIDATA` (`ID_WIKIDATA`),
  ADD KEY `ITEM_TYPE` (`ITEM_TYPE`),
  ADD KEY `LANG` (`LANG`),
  ADD KEY `TIM_UPDATED` (`TIM_UPDATED`),
  ADD KEY `TITLE` (`TITLE`);

ALTER TABLE `T_WC_WIKIPEDIA_PAGE_LANG_SECTION`
  MODIFY `ID_ROW` int(11) NOT NULL AUTO_INCREMENT;
