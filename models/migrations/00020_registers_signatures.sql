-- +goose Up
-- Number registers (sổ đăng ký văn bản): one per issuing agency, document type
-- and year, shared by every body of the agency (the nine bodies of Sở Nội vụ
-- all number their decisions in the one register of QĐ-SNV). last_number is
-- the last number Khung gave; register_entries holds every number given,
-- by Khung or entered by the registry clerk (văn thư) for a document numbered
-- outside Khung. A number is given once and never changes.
CREATE TABLE registers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency      text NOT NULL CHECK (btrim(agency) <> ''),   -- 'SNV'
    doc_type    text NOT NULL CHECK (btrim(doc_type) <> ''), -- 'QĐ', 'KL', 'TB', 'BC', 'KH'
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    last_number integer NOT NULL DEFAULT 0 CHECK (last_number >= 0),
    CONSTRAINT registers_agency_type_year_key UNIQUE (agency, doc_type, year)
);

CREATE TABLE register_entries (
    register_id bigint NOT NULL REFERENCES registers (id) ON DELETE RESTRICT,
    number      integer NOT NULL CHECK (number > 0),
    entity      text NOT NULL CHECK (entity IN ('decision', 'conclusion', 'notice', 'acceptance', 'plan_version')),
    entity_id   bigint NOT NULL,
    by_clerk    boolean NOT NULL DEFAULT false,
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT register_entries_pkey PRIMARY KEY (register_id, number),
    CONSTRAINT register_entries_entity_key UNIQUE (entity, entity_id)
);

-- Numbers are the register's, no longer each body's.
ALTER TABLE decisions DROP CONSTRAINT decisions_body_year_number_key;
ALTER TABLE conclusions DROP CONSTRAINT conclusions_body_year_number_key;

-- The registers of the documents numbered so far; where two bodies gave the
-- same number (before the registers), the first document keeps it in the register.
INSERT INTO registers (agency, doc_type, year, last_number)
SELECT substr(symbol, strpos(symbol, '-') + 1), split_part(symbol, '-', 1), year, max(number)
FROM (SELECT symbol, year, number FROM decisions UNION ALL SELECT symbol, year, number FROM conclusions) d
WHERE strpos(symbol, '-') > 0
GROUP BY 1, 2, 3;
INSERT INTO register_entries (register_id, number, entity, entity_id)
SELECT r.id, d.number, d.entity, d.id
FROM (SELECT 'decision' AS entity, id, symbol, year, number FROM decisions
      UNION ALL SELECT 'conclusion', id, symbol, year, number FROM conclusions) d
JOIN registers r ON r.agency = substr(d.symbol, strpos(d.symbol, '-') + 1) AND r.doc_type = split_part(d.symbol, '-', 1) AND r.year = d.year
ORDER BY d.id
ON CONFLICT DO NOTHING;

-- What a decision rests on besides the plan: for a verification, the order
-- (văn bản giao xác minh) and who gave it; for an unannounced visit, the signs
-- of violation. kind_code is the kind of documents (app/officialdoc) picked
-- when it was signed, so a reprint says what the signed one said.
ALTER TABLE decisions ADD COLUMN grounds text NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN ordered_by text NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN kind_code text NOT NULL DEFAULT '';
ALTER TABLE conclusions ADD COLUMN kind_code text NOT NULL DEFAULT '';

-- A signer's profile: the title printed above the signature ("Phó Giám đốc")
-- and, when signing for the head, the authority line ("KT. GIÁM ĐỐC").
ALTER TABLE users ADD COLUMN job_title text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN signing_authority text NOT NULL DEFAULT '';

-- The signed original of a document: a PDF with a PAdES signature, made by
-- Khung with the agency's certificate or signed elsewhere (a USB token) and
-- uploaded. One per document; it is never replaced.
CREATE TABLE signed_documents (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity      text NOT NULL CHECK (entity IN ('decision', 'conclusion', 'notice', 'acceptance', 'plan_version')),
    entity_id   bigint NOT NULL,
    pdf         bytea NOT NULL,
    sha256      text NOT NULL,
    signer_name text NOT NULL DEFAULT '',
    signed_at   timestamptz,
    uploaded    boolean NOT NULL DEFAULT false,
    user_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT signed_documents_entity_key UNIQUE (entity, entity_id)
);

-- +goose Down
DROP TABLE signed_documents;
ALTER TABLE users DROP COLUMN signing_authority;
ALTER TABLE users DROP COLUMN job_title;
ALTER TABLE conclusions DROP COLUMN kind_code;
ALTER TABLE decisions DROP COLUMN kind_code;
ALTER TABLE decisions DROP COLUMN ordered_by;
ALTER TABLE decisions DROP COLUMN grounds;
ALTER TABLE conclusions ADD CONSTRAINT conclusions_body_year_number_key UNIQUE (issuing_body_id, year, number);
ALTER TABLE decisions ADD CONSTRAINT decisions_body_year_number_key UNIQUE (issuing_body_id, year, number);
DROP TABLE register_entries;
DROP TABLE registers;
