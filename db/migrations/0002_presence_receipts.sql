ALTER TABLE "chat_members" ADD COLUMN "delivered_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chat_members" ADD COLUMN "read_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chat_members" ADD COLUMN "marked_unread" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "last_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "hide_last_seen" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "send_read_receipts" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- History from before receipts existed counts as delivered and read, so no one wakes up to old "unread" chats.
UPDATE "chat_members" AS cm SET "read_seq" = c."last_seq", "delivered_seq" = c."last_seq" FROM "chats" AS c WHERE c."id" = cm."chat_id";
