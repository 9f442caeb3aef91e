-- Which worker last claimed a message (process, number, random part), so that with several
-- instances an operator can tell who sent what.
ALTER TABLE outbox ADD COLUMN worker TEXT;

-- The file transport used to answer with the .eml file's full path on the server; staff never
-- see server paths, so the old answers say only where the message went.
UPDATE outbox SET last_answer = 'đã ghi vào thư mục thư đi'
    WHERE last_answer LIKE 'đã ghi %' AND last_answer NOT LIKE 'đã ghi vào %';
