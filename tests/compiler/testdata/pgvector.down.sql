-- 0.0.1
DROP INDEX chunks_btree;

DROP INDEX chunks_qualified;

DROP INDEX chunks_expression;

DROP INDEX chunks_wide_bits;

DROP INDEX chunks_widest;

DROP INDEX chunks_widest_half;

DROP INDEX chunks_signature_ivf;

DROP INDEX chunks_signature_jaccard;

DROP INDEX chunks_signature;

DROP INDEX chunks_keywords_l1;

DROP INDEX chunks_keywords_cos;

DROP INDEX chunks_keywords_ip;

DROP INDEX chunks_keywords;

DROP INDEX chunks_preview_ivf_cos;

DROP INDEX chunks_preview_ivf_ip;

DROP INDEX chunks_preview_ivf;

DROP INDEX chunks_preview_l1;

DROP INDEX chunks_preview_cos;

DROP INDEX chunks_preview_l2;

DROP INDEX chunks_preview;

DROP INDEX chunks_small_ivf_default;

DROP INDEX chunks_small_ivf_cos;

DROP INDEX chunks_small_ivf_ip;

DROP INDEX chunks_small_max;

DROP INDEX chunks_small_l2;

DROP INDEX chunks_small_l1;

DROP INDEX chunks_small_ip;

DROP INDEX chunks_embedding_l2;

DROP INDEX chunks_embedding;

DROP TABLE chunks;

DROP EXTENSION vector;

