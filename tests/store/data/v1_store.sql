-- A schema-version-1 store exactly as the issue-1..3 code wrote it (sqlite3 .dump of a
-- store with two synthetic patients), to prove an old store is upgraded on open.
BEGIN TRANSACTION;
CREATE TABLE antifungal_courses (
	id INTEGER NOT NULL, 
	patient_id INTEGER NOT NULL, 
	drug VARCHAR(100) NOT NULL, 
	dose_mg VARCHAR(40), 
	started_on DATE NOT NULL, 
	stopped_on DATE, 
	planned_stop_on DATE, 
	entered_in_error_at DATETIME, 
	entered_in_error_by VARCHAR(100), 
	entered_in_error_reason TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
INSERT INTO "antifungal_courses" VALUES(1,1,'micafungin','100','2026-11-02',NULL,NULL,NULL,NULL,NULL);
CREATE TABLE audit (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(100) NOT NULL, 
	action VARCHAR(20) NOT NULL, 
	table_name VARCHAR(40) NOT NULL, 
	record_id INTEGER, 
	mrn VARCHAR(64), 
	"before" TEXT, 
	"after" TEXT, 
	reason TEXT, 
	PRIMARY KEY (id)
);
INSERT INTO "audit" VALUES(1,'2026-11-25 08:58:54.771425','os:ward-clerk','create','patients',1,'A1001',NULL,'{"bed": "12", "dob": "1971-04-02", "mrn": "A1001", "name": "Doe, Jane", "neutrophil_recovery_on": null, "symptoms_resolved_on": "2026-11-06", "ward": "Neuro 4B", "weight_kg": "61.0"}','import ward.json');
INSERT INTO "audit" VALUES(2,'2026-11-25 08:58:54.771425','os:ward-clerk','create','patients',2,'B2002',NULL,'{"bed": "3", "dob": "1980-01-15", "mrn": "B2002", "name": "Roe, Richard", "neutrophil_recovery_on": null, "symptoms_resolved_on": null, "ward": "Rehab 2", "weight_kg": null}','import ward.json');
INSERT INTO "audit" VALUES(3,'2026-11-25 08:58:54.771425','os:ward-clerk','create','pumps',1,'A1001',NULL,'{"alarm_ml": "2.0", "concentration_ug_ml": "500", "daily_dose_ug": "300", "implanted_on": "2023-05-01", "manufacturer": "Medtronic", "model": "SynchroMed II", "removal_reason": null, "removed_on": null, "reservoir_ml": "20", "serial": "NGP000123"}','import ward.json');
INSERT INTO "audit" VALUES(4,'2026-11-25 08:58:54.771425','os:ward-clerk','create','pumps',2,'B2002',NULL,'{"alarm_ml": "2.0", "concentration_ug_ml": "2000", "daily_dose_ug": "400", "implanted_on": "2023-05-01", "manufacturer": "Medtronic", "model": "SynchroMed II", "removal_reason": null, "removed_on": null, "reservoir_ml": "40", "serial": "NGP000456"}','import ward.json');
INSERT INTO "audit" VALUES(5,'2026-11-25 08:58:54.771425','os:ward-clerk','create','refills',1,'A1001',NULL,'{"on": "2026-10-20", "override_reason": null, "programmer_alarm_on": "2026-11-18", "volume_ml": "20"}','import ward.json');
INSERT INTO "audit" VALUES(6,'2026-11-25 08:58:54.771425','os:ward-clerk','create','refills',2,'B2002',NULL,'{"on": "2026-10-01", "override_reason": null, "programmer_alarm_on": null, "volume_ml": "39.95"}','import ward.json');
INSERT INTO "audit" VALUES(7,'2026-11-25 08:58:54.771425','os:ward-clerk','create','cultures',1,'A1001',NULL,'{"drawn_on": "2026-11-01", "organism": "Candida krusei", "result": "positive", "specimen": "blood", "susceptibility": {"fluconazole": "R"}}','import ward.json');
INSERT INTO "audit" VALUES(8,'2026-11-25 08:58:54.771425','os:ward-clerk','create','cultures',2,'A1001',NULL,'{"drawn_on": "2026-11-04", "organism": null, "result": "no_growth", "specimen": "blood", "susceptibility": {}}','import ward.json');
INSERT INTO "audit" VALUES(9,'2026-11-25 08:58:54.771425','os:ward-clerk','create','antifungal_courses',1,'A1001',NULL,'{"dose_mg": "100", "drug": "micafungin", "planned_stop_on": null, "started_on": "2026-11-02", "stopped_on": null}','import ward.json');
INSERT INTO "audit" VALUES(10,'2026-11-25 08:58:54.771425','os:ward-clerk','create','bridging',1,'A1001',NULL,'{"detail": "20 mg three times daily", "method": "oral_baclofen", "started_on": "2026-11-02"}','import ward.json');
INSERT INTO "audit" VALUES(11,'2026-11-25 08:58:54.771425','os:ward-clerk','create','exams',1,'A1001',NULL,'{"finding": "no ocular candidiasis", "kind": "dilated_eye_exam", "on": "2026-11-05"}','import ward.json');
INSERT INTO "audit" VALUES(12,'2026-11-25 08:58:54.771425','os:ward-clerk','import','ward_file',NULL,NULL,NULL,'{"kept_in_error": 0, "patients_created": 2, "patients_unchanged": 0, "patients_updated": 0, "records_created": 9, "records_unchanged": 0, "records_updated": 0}','import ward.json');
INSERT INTO "audit" VALUES(13,'2026-11-25 08:58:54.793688','os:ward-clerk','create','bridging',2,'B2002',NULL,'{"detail": "10 mg tds", "method": "oral_baclofen", "started_on": "2026-11-09"}',NULL);
INSERT INTO "audit" VALUES(14,'2026-11-25 08:58:54.821785','os:ward-clerk','entered_in_error','bridging',2,'B2002','{"detail": "10 mg tds", "method": "oral_baclofen", "started_on": "2026-11-09"}','{"detail": "10 mg tds", "entered_in_error_at": "2026-11-25T08:58:54.816279+00:00", "entered_in_error_by": "os:ward-clerk", "entered_in_error_reason": "wrong patient", "method": "oral_baclofen", "started_on": "2026-11-09"}','wrong patient');
CREATE TABLE bridging (
	id INTEGER NOT NULL, 
	patient_id INTEGER NOT NULL, 
	method VARCHAR(40) NOT NULL, 
	started_on DATE NOT NULL, 
	detail TEXT, 
	entered_in_error_at DATETIME, 
	entered_in_error_by VARCHAR(100), 
	entered_in_error_reason TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
INSERT INTO "bridging" VALUES(1,1,'oral_baclofen','2026-11-02','20 mg three times daily',NULL,NULL,NULL);
INSERT INTO "bridging" VALUES(2,2,'oral_baclofen','2026-11-09','10 mg tds','2026-11-25 08:58:54.816279','os:ward-clerk','wrong patient');
CREATE TABLE cultures (
	id INTEGER NOT NULL, 
	patient_id INTEGER NOT NULL, 
	specimen VARCHAR(40) NOT NULL, 
	drawn_on DATE NOT NULL, 
	result VARCHAR(40) NOT NULL, 
	organism VARCHAR(200), 
	susceptibility TEXT, 
	entered_in_error_at DATETIME, 
	entered_in_error_by VARCHAR(100), 
	entered_in_error_reason TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
INSERT INTO "cultures" VALUES(1,1,'blood','2026-11-01','positive','Candida krusei','{"fluconazole":"R"}',NULL,NULL,NULL);
INSERT INTO "cultures" VALUES(2,1,'blood','2026-11-04','no_growth',NULL,NULL,NULL,NULL,NULL);
CREATE TABLE exams (
	id INTEGER NOT NULL, 
	patient_id INTEGER NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	exam_on DATE NOT NULL, 
	finding TEXT, 
	entered_in_error_at DATETIME, 
	entered_in_error_by VARCHAR(100), 
	entered_in_error_reason TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
INSERT INTO "exams" VALUES(1,1,'dilated_eye_exam','2026-11-05','no ocular candidiasis',NULL,NULL,NULL);
CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "meta" VALUES('schema_version','1');
CREATE TABLE patients (
	id INTEGER NOT NULL, 
	mrn VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	dob DATE, 
	ward VARCHAR(100), 
	bed VARCHAR(40), 
	weight_kg VARCHAR(40), 
	symptoms_resolved_on DATE, 
	neutrophil_recovery_on DATE, 
	row_version INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (mrn)
);
INSERT INTO "patients" VALUES(1,'A1001','Doe, Jane','1971-04-02','Neuro 4B','12','61.0','2026-11-06',NULL,1);
INSERT INTO "patients" VALUES(2,'B2002','Roe, Richard','1980-01-15','Rehab 2','3',NULL,NULL,NULL,3);
CREATE TABLE pumps (
	id INTEGER NOT NULL, 
	patient_id INTEGER NOT NULL, 
	serial VARCHAR(100) NOT NULL, 
	manufacturer VARCHAR(200), 
	model VARCHAR(200), 
	reservoir_ml VARCHAR(40) NOT NULL, 
	alarm_ml VARCHAR(40) NOT NULL, 
	implanted_on DATE, 
	removed_on DATE, 
	removal_reason TEXT, 
	concentration_ug_ml VARCHAR(40) NOT NULL, 
	daily_dose_ug VARCHAR(40) NOT NULL, 
	entered_in_error_at DATETIME, 
	entered_in_error_by VARCHAR(100), 
	entered_in_error_reason TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(patient_id) REFERENCES patients (id)
);
INSERT INTO "pumps" VALUES(1,1,'NGP000123','Medtronic','SynchroMed II','20','2.0','2023-05-01',NULL,NULL,'500','300',NULL,NULL,NULL);
INSERT INTO "pumps" VALUES(2,2,'NGP000456','Medtronic','SynchroMed II','40','2.0','2023-05-01',NULL,NULL,'2000','400',NULL,NULL,NULL);
CREATE TABLE refills (
	id INTEGER NOT NULL, 
	pump_id INTEGER NOT NULL, 
	refilled_on DATE NOT NULL, 
	volume_ml VARCHAR(40) NOT NULL, 
	programmer_alarm_on DATE, 
	override_reason TEXT, 
	entered_in_error_at DATETIME, 
	entered_in_error_by VARCHAR(100), 
	entered_in_error_reason TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(pump_id) REFERENCES pumps (id)
);
INSERT INTO "refills" VALUES(1,1,'2026-10-20','20','2026-11-18',NULL,NULL,NULL,NULL);
INSERT INTO "refills" VALUES(2,2,'2026-10-01','39.95',NULL,NULL,NULL,NULL,NULL);
CREATE INDEX ix_patients_ward ON patients (ward);
CREATE INDEX ix_audit_mrn ON audit (mrn);
CREATE INDEX ix_pumps_patient_id ON pumps (patient_id);
CREATE INDEX ix_cultures_patient_id ON cultures (patient_id);
CREATE INDEX ix_antifungal_courses_patient_id ON antifungal_courses (patient_id);
CREATE INDEX ix_bridging_patient_id ON bridging (patient_id);
CREATE INDEX ix_exams_patient_id ON exams (patient_id);
CREATE INDEX ix_refills_pump_id ON refills (pump_id);
COMMIT;
