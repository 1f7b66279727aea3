/// <reference path="../pb_data/types.d.ts" />
// A starting catalogue (photos are uploaded by seed.mjs: migrations hold no files).
const CATEGORIES = [
    { id: "catkitchen00001", name: "Kitchen", slug: "kitchen" },
    { id: "catgarden000001", name: "Garden", slug: "garden" },
    { id: "catdesk00000001", name: "Desk", slug: "desk" },
];
const PRODUCTS = [
    ["prodkettle00001", "Copper kettle", "Whistles when the water boils. 1.5 litres.", 4900, 12, "catkitchen00001"],
    ["prodknife000001", "Chef's knife", "20 cm carbon steel blade, walnut handle.", 8900, 5, "catkitchen00001"],
    ["prodmugs0000001", "Stoneware mugs (set of 4)", "Glazed by hand; dishwasher safe.", 3200, 30, "catkitchen00001"],
    ["prodtrowel00001", "Hand trowel", "Stainless steel with an ash handle.", 1800, 25, "catgarden000001"],
    ["prodseeds000001", "Wildflower seeds", "Enough for 10 m² of meadow.", 650, 100, "catgarden000001"],
    ["prodcan00000001", "Watering can", "Galvanised, 5 litres, long spout.", 3900, 8, "catgarden000001"],
    ["prodlamp0000001", "Desk lamp", "Warm LED, dimmable, steel arm.", 5900, 10, "catdesk00000001"],
    ["prodnotebook001", "Dot-grid notebook", "A5, 192 pages, lies flat.", 1400, 60, "catdesk00000001"],
    ["prodpen00000001", "Fountain pen", "Fine nib, converter included.", 2600, 3, "catdesk00000001"],
];

migrate((app) => {
    for (const c of CATEGORIES) app.save(new Record("categories", c));
    for (const [id, name, description, price, stock, category] of PRODUCTS) {
        app.save(new Record("products", { id, name, description, price, stock, category }));
    }
}, (app) => {
    for (const [id] of PRODUCTS) {
        try { app.delete(app.findRecordById("products", id)); } catch (err) { if (err.status !== 404) throw err; }
    }
    for (const c of CATEGORIES) {
        try { app.delete(app.findRecordById("categories", c.id)); } catch (err) { if (err.status !== 404) throw err; }
    }
});
