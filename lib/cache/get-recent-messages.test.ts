import { describeGetRecentMessages } from '@/lib/testing/recent-messages-suite';

// The cache this run configures: Redis when REDIS_URL is set (CI), else the in-process one.
describeGetRecentMessages(process.env.REDIS_URL ? 'Redis' : 'in-memory');
