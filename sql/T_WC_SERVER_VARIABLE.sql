-- tmdb-crawler: Server-variable table for MariaDB / MySQL (the 2026-08 schema).
--
-- For operators who create the schema by hand, e.g.
--   mariadb -u root tmdb < sql/T_WC_SERVER_VARIABLE.sql
-- The same tables as `tmdb-crawler migrate up` builds (a test compares both). Run
-- `tmdb-crawler migrate up` afterwards: it adopts the existing tables and records the
-- migrations as applied, without touching any row.

SET NAMES utf8mb4;

CREATE TABLE `T_WC_SERVER_VARIABLE` (
  `ID_SERVER_VARIABLE` int(5) NOT NULL,
  `DESCRIPTION` varchar(100) DEFAULT NULL,
  `VAR_NAME` varchar(100) DEFAULT NULL,
  `VAR_VALUE` varchar(255) DEFAULT NULL,
  `DELETED` int(5) DEFAULT NULL,
  `DISPLAY_ORDER` int(5) DEFAULT NULL,
  `ID_CREATOR` int(5) DEFAULT NULL,
  `DAT_CREAT` date DEFAULT NULL,
  `ID_OWNER` int(5) DEFAULT NULL,
  `TIM_UPDATED` datetime DEFAULT NULL,
  `LONG_DESC` longtext DEFAULT NULL,
  `MOT_CLE` longtext DEFAULT NULL,
  `MOT_CLE_AUTO` longtext DEFAULT NULL,
  `ID_LANG` int(5) DEFAULT NULL,
  `ID_USER_UPDATED` int(5) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE `T_WC_SERVER_VARIABLE`
  ADD PRIMARY KEY (`ID_SERVER_VARIABLE`),
  ADD KEY `DAT_CREAT` (`DAT_CREAT`),
  ADD KEY `DELETED` (`DELETED`),
  ADD KEY `DELETED_2` (`DELETED`),
  ADD KEY `DESCRIPTION` (`DESCRIPTION`),
  ADD KEY `DISPLAY_ORDER` (`DISPLAY_ORDER`),
  ADD KEY `DISPLAY_ORDER_2` (`DISPLAY_ORDER`),
  ADD KEY `ID_CREATOR` (`ID_CREATOR`),
  ADD KEY `ID_CREATOR_2` (`ID_CREATOR`),
  ADD KEY `ID_LANG` (`ID_LANG`),
  ADD KEY `ID_OWNER` (`ID_OWNER`),
  ADD KEY `ID_OWNER_2` (`ID_OWNER`),
  ADD KEY `ID_USER_UPDATED` (`ID_USER_UPDATED`),
  ADD KEY `ID_USER_UPDATED_2` (`ID_USER_UPDATED`),
  ADD KEY `VAR_NAME` (`VAR_NAME`),
  ADD KEY `VAR_VALUE` (`VAR_VALUE`(250));

ALTER TABLE `T_WC_SERVER_VARIABLE`
  MODIFY `ID_SERVER_VARIABLE` int(5) NOT NULL AUTO_INCREMENT;
