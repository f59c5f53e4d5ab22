-- foreign key options change: MATCH FULL, ON DELETE/ON UPDATE actions, DEFERRABLE INITIALLY DEFERRED
CREATE TABLE public.warehouses (
    id integer PRIMARY KEY,
    code text NOT NULL,
    UNIQUE (id, code)
);

CREATE TABLE public.stock (
    id integer PRIMARY KEY,
    warehouse_id integer,
    warehouse_code text,
    bin text,
    CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id, warehouse_code)
        REFERENCES public.warehouses (id, code),
    CONSTRAINT stock_warehouse_id_fk FOREIGN KEY (warehouse_id)
        REFERENCES public.warehouses (id) ON DELETE CASCADE
);
