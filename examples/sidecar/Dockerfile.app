FROM node:20-slim
WORKDIR /app
RUN npm install --no-audit --no-fund secretwrangler tsx
COPY app.ts .
CMD ["npx", "tsx", "app.ts"]
